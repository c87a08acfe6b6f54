/*
 * verify.c: the end of an import: the source's count and checksum of each
 * family against the catalog's (store/hive_source.h computes both the
 * same way), one line per family, and how many differ.
 */
#include "import/import.h"

int
ms_import_verify_report (const MsHiveSums *source, const MsHiveSums *target, FILE *out)
{
  int differ = 0;
  for (int f = 0; f < MS_HIVE_N_FAMILIES; f++)
    {
      gboolean same = source->count[f] == target->count[f]
                      && g_strcmp0 (source->sum[f], target->sum[f]) == 0;
      differ += !same;
      if (same)
        fprintf (out, "verify %s: %" G_GINT64_FORMAT " equal\n", ms_hive_family_name (f),
                 source->count[f]);
      else
        fprintf (out, "verify %s: DIFFERENT: source %" G_GINT64_FORMAT " (checksum %s), "
                 "catalog %" G_GINT64_FORMAT " (checksum %s)\n", ms_hive_family_name (f),
                 source->count[f], source->sum[f] ? source->sum[f] : "-", target->count[f],
                 target->sum[f] ? target->sum[f] : "-");
    }
  fprintf (out, differ ? "verify: %d famil%s differ\n" : "verify: every family equal\n", differ,
           differ == 1 ? "y" : "ies");
  return differ;
}
