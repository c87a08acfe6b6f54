{{/* _helpers.tpl: names, labels, the rendered metastore.conf and the environment shared by the server and the schema Job. */}}

{{- define "metastore.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "metastore.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "metastore.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "metastore.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "metastore.selectorLabels" -}}
app.kubernetes.io/name: {{ include "metastore.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "metastore.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "metastore.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "metastore.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "metastore.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "metastore.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret of the keys: existingSecret, else the chart's (the schema Job passes its hook copy as .secretName). */}}
{{- define "metastore.secretName" -}}
{{- if .Values.existingSecret }}
{{- .Values.existingSecret }}
{{- else if .secretName }}
{{- .secretName }}
{{- else }}
{{- include "metastore.fullname" . }}
{{- end }}
{{- end }}

{{- define "metastore.databaseUrl" -}}
{{- if .Values.cnpg.enabled }}
{{- printf "host=%s-db-rw dbname=%s user=%s" (include "metastore.fullname" .) .Values.cnpg.database .Values.cnpg.owner }}
{{- else }}
{{- .Values.database.url }}
{{- end }}
{{- end }}

{{/* The schema step: the Job cannot run before a CloudNativePG cluster exists, so cnpg forces the initContainer. */}}
{{- define "metastore.schemaMode" -}}
{{- if not .Values.schemaUpgrade.enabled }}none
{{- else if .Values.cnpg.enabled }}initContainer
{{- else }}{{ .Values.schemaUpgrade.mode }}
{{- end }}
{{- end }}

{{/* A value of metastore.conf. Helm reads numbers in values as float64, which Go prints as 1.6777216e+07 from 1e6 on: whole numbers are written as integers. */}}
{{- define "metastore.confValue" -}}
{{- if kindIs "float64" . }}
{{- int64 . }}
{{- else }}
{{- . }}
{{- end }}
{{- end }}

{{/* metastore.conf: the chart's keys, then every group and key of .Values.config (a GKeyFile). */}}
{{- define "metastore.conf" -}}
# metastore.conf rendered by the metastore Helm chart
[server]
bind = 0.0.0.0
thrift_port = {{ .Values.ports.thrift }}
{{- range $k, $v := .Values.config.server }}
{{ $k }} = {{ include "metastore.confValue" $v }}
{{- end }}
[rest]
port = {{ .Values.ports.rest }}
{{- range $k, $v := .Values.config.rest }}
{{ $k }} = {{ include "metastore.confValue" $v }}
{{- end }}
[admin]
port = {{ .Values.ports.admin }}
{{- range $k, $v := .Values.config.admin }}
{{ $k }} = {{ include "metastore.confValue" $v }}
{{- end }}
[database]
url = {{ include "metastore.databaseUrl" . }}
{{- range $k, $v := .Values.config.database }}
{{ $k }} = {{ include "metastore.confValue" $v }}
{{- end }}
{{- range $group, $keys := .Values.config }}
{{- if not (has $group (list "server" "rest" "admin" "database")) }}
[{{ $group }}]
{{- range $k, $v := $keys }}
{{ $k }} = {{ include "metastore.confValue" $v }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* Secret data (base64), from values. */}}
{{- define "metastore.secretData" -}}
{{- if .Values.database.password }}
database-password: {{ .Values.database.password | b64enc | quote }}
{{- end }}
{{- if .Values.s3.accessKey }}
s3-access-key: {{ .Values.s3.accessKey | b64enc | quote }}
{{- end }}
{{- if .Values.s3.secretKey }}
s3-secret-key: {{ .Values.s3.secretKey | b64enc | quote }}
{{- end }}
{{- if .Values.restAuth.oauthClients }}
rest-oauth-clients: {{ .Values.restAuth.oauthClients | b64enc | quote }}
{{- end }}
{{- if .Values.restAuth.tokenSecret }}
rest-oauth-token-secret: {{ .Values.restAuth.tokenSecret | b64enc | quote }}
{{- end }}
{{- end }}

{{/* Environment of the server and the schema step: secrets as METASTORE_<GROUP>_<KEY>. */}}
{{- define "metastore.env" -}}
- name: METASTORE_CONFIG
  value: /etc/metastore/metastore.conf
{{- if .Values.cnpg.enabled }}
- name: METASTORE_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "metastore.fullname" . }}-db-app
      key: password
{{- else }}
- name: METASTORE_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "metastore.secretName" . }}
      key: database-password
      optional: true
{{- end }}
- name: METASTORE_S3_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "metastore.secretName" . }}
      key: s3-access-key
      optional: true
- name: METASTORE_S3_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "metastore.secretName" . }}
      key: s3-secret-key
      optional: true
- name: METASTORE_REST_OAUTH_CLIENTS
  valueFrom:
    secretKeyRef:
      name: {{ include "metastore.secretName" . }}
      key: rest-oauth-clients
      optional: true
- name: METASTORE_REST_OAUTH_TOKEN_SECRET
  valueFrom:
    secretKeyRef:
      name: {{ include "metastore.secretName" . }}
      key: rest-oauth-token-secret
      optional: true
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}
