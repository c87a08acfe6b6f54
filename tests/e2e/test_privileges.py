"""Roles and privileges as Hive's SQL-standard authorization stores them:
create_role, drop_role, get_role_names, grant_role, revoke_role,
grant_revoke_role, list_roles, get_principals_in_role,
get_role_grants_for_principal, get_privilege_set, list_privileges,
grant_privileges, revoke_privileges, grant_revoke_privileges,
refresh_privileges, and the grants a table is created with (Table.privileges),
dropped with their objects and kept through renames.

Every method declares only MetaException: each refusal is one, with Hive's
HMSHandler/ObjectStore text where it has one."""
import time

import pytest

from conftest import unique
from hive_metastore.ttypes import (GetPrincipalsInRoleRequest, GetRoleGrantsForPrincipalRequest,
                                   GrantRevokePrivilegeRequest, GrantRevokeRoleRequest,
                                   GrantRevokeType, HiveObjectPrivilege, HiveObjectRef,
                                   HiveObjectType, MetaException, PrincipalPrivilegeSet,
                                   PrincipalType, PrivilegeBag, PrivilegeGrantInfo, Role)
from partlib import add, make_db, make_table, psql

USER, ROLE, GROUP = PrincipalType.USER, PrincipalType.ROLE, PrincipalType.GROUP


def role(client, prefix="r"):
    name = unique("e2e_" + prefix)
    assert client.create_role(Role(roleName=name, ownerName="alice"))
    return name


def obj(kind, db=None, table=None, part=None, column=None):
    return HiveObjectRef(objectType=kind, dbName=db, objectName=table, partValues=part,
                         columnName=column)


def priv(ref, principal, ptype, privilege, grantor="alice", option=False, authorizer="SQL"):
    return HiveObjectPrivilege(hiveObject=ref, principalName=principal, principalType=ptype,
                               grantInfo=PrivilegeGrantInfo(privilege=privilege, createTime=0,
                                                            grantor=grantor,
                                                            grantorType=USER,
                                                            grantOption=option),
                               authorizer=authorizer)


def privs_of(client, principal, ptype, ref=None):
    got = client.list_privileges(principal, ptype, ref or HiveObjectRef())
    return sorted((p.hiveObject.objectType, p.hiveObject.objectName, p.grantInfo.privilege,
                   p.grantInfo.grantOption) for p in got)


def meta_error(fn, *args):
    with pytest.raises(MetaException) as e:
        fn(*args)
    return e.value.message


# ---------------------------------------------------------------------------
# roles
# ---------------------------------------------------------------------------

def test_seeded_roles_and_admin_privilege(client):
    names = client.get_role_names()
    assert "admin" in names and "public" in names
    got = client.list_privileges("admin", ROLE, obj(HiveObjectType.GLOBAL))
    assert [(p.grantInfo.privilege, p.grantInfo.grantOption, p.grantInfo.grantor,
             p.grantInfo.grantorType, p.authorizer) for p in got] == \
        [("All", True, "admin", ROLE, "SQL")]


def test_create_drop_role(client):
    before = int(time.time())
    r = role(client)
    assert r in client.get_role_names()
    assert "already exists" in meta_error(client.create_role, Role(roleName=r))
    assert "It can't be created" in meta_error(client.create_role, Role(roleName="public"))
    client.grant_role(r, "bob", USER, "alice", USER, False)
    listed = [x for x in client.list_roles("bob", USER) if x.roleName == r][0]
    assert listed.ownerName == "alice" and listed.createTime >= before
    assert client.drop_role(r)
    assert r not in client.get_role_names()
    assert r not in [x.roleName for x in client.list_roles("bob", USER)]
    assert "can not be found" in meta_error(client.drop_role, r) or \
        "does not exist" in meta_error(client.drop_role, r)
    for fixed in ("admin", "public"):
        assert meta_error(client.drop_role, fixed) == "public,admin roles can't be dropped."


def test_grant_revoke_role(client):
    r = role(client)
    user = unique("u")
    assert client.grant_role(r, user, USER, "alice", USER, True)
    assert "already has the role" in meta_error(client.grant_role, r, user, USER, "alice",
                                                  USER, False)
    roles = client.list_roles(user, USER)
    assert [x.roleName for x in roles] == [r, "public"]
    assert roles[1].createTime == 0 and roles[1].ownerName == "public"
    grants = client.get_role_grants_for_principal(
        GetRoleGrantsForPrincipalRequest(principal_name=user, principal_type=USER)).principalGrants
    g = [x for x in grants if x.roleName == r][0]
    assert (g.principalName, g.principalType, g.grantOption, g.grantorName,
            g.grantorPrincipalType) == (user, USER, True, "alice", USER)
    assert [x.roleName for x in grants] == [r, "public"]
    members = client.get_principals_in_role(GetPrincipalsInRoleRequest(roleName=r)).principalGrants
    assert [(m.principalName, m.principalType) for m in members] == [(user, USER)]

    # revoking the grant option keeps the role; a second time is refused
    resp = client.grant_revoke_role(GrantRevokeRoleRequest(
        requestType=GrantRevokeType.REVOKE, roleName=r, principalName=user, principalType=USER,
        grantOption=True))
    assert resp.success
    members = client.get_principals_in_role(GetPrincipalsInRoleRequest(roleName=r)).principalGrants
    assert [m.grantOption for m in members] == [False]
    assert "does not have grant option" in meta_error(
        client.grant_revoke_role, GrantRevokeRoleRequest(
            requestType=GrantRevokeType.REVOKE, roleName=r, principalName=user,
            principalType=USER, grantOption=True))
    assert client.revoke_role(r, user, USER)
    assert [x.roleName for x in client.list_roles(user, USER)] == ["public"]
    assert meta_error(client.revoke_role, r, user, USER)
    assert "can not be found" in meta_error(client.revoke_role, unique("nope"), user, USER)
    assert "can not be found" in meta_error(client.grant_role, unique("nope"), user, USER,
                                            "alice", USER, False)
    # groups hold roles too; through the request form
    group = unique("g")
    assert client.grant_revoke_role(GrantRevokeRoleRequest(
        requestType=GrantRevokeType.GRANT, roleName=r, principalName=group,
        principalType=GROUP, grantor="admin", grantorType=ROLE)).success
    assert [x.roleName for x in client.list_roles(group, GROUP)] == [r]


def test_public_role_rules(client):
    assert "implicitly belong to public" in meta_error(client.grant_role, "public", "bob", USER,
                                                       "alice", USER, False)
    assert meta_error(client.revoke_role, "public", "bob", USER) == "public role can't be revoked."
    assert client.get_principals_in_role(
        GetPrincipalsInRoleRequest(roleName="public")).principalGrants == []


def test_role_cycles_refused(client):
    a, b, c = role(client, "ca"), role(client, "cb"), role(client, "cc")
    client.grant_role(a, b, ROLE, "admin", ROLE, False)     # b belongs to a
    client.grant_role(b, c, ROLE, "admin", ROLE, False)     # c belongs to b
    msg = meta_error(client.grant_role, c, a, ROLE, "admin", ROLE, False)
    assert msg == ("Cannot grant role %s to %s as %s already belongs to the role %s. "
                   "(no cycles allowed)" % (a, c, c, a))
    assert "no cycles allowed" in meta_error(client.grant_role, a, a, ROLE, "admin", ROLE, False)
    # dropping b takes its grants both ways
    client.drop_role(b)
    assert client.list_roles(c, ROLE) == []
    assert client.get_principals_in_role(GetPrincipalsInRoleRequest(roleName=a)).principalGrants == []
    client.grant_role(c, a, ROLE, "admin", ROLE, False)     # no cycle any more


# ---------------------------------------------------------------------------
# privileges
# ---------------------------------------------------------------------------

def test_grant_list_revoke_table_privileges(client):
    db = make_db(client, "e2e_privdb")
    make_table(client, db, "t", parts=[])
    ref = obj(HiveObjectType.TABLE, db, "t")
    user = unique("u")
    assert client.grant_privileges(PrivilegeBag([priv(ref, user, USER, "SELECT,INSERT",
                                                      option=True)]))
    assert privs_of(client, user, USER) == [(HiveObjectType.TABLE, "t", "INSERT", True),
                                            (HiveObjectType.TABLE, "t", "SELECT", True)]
    got = client.list_privileges(user, USER, ref)
    assert {(p.hiveObject.dbName, p.hiveObject.objectName, p.principalName, p.grantInfo.grantor,
             p.authorizer) for p in got} == {(db, "t", user, "alice", "SQL")}
    assert all(p.grantInfo.createTime > 0 for p in got)
    # all principals of the table
    assert len(client.list_privileges(None, None, ref)) >= 2
    msg = meta_error(client.grant_privileges, PrivilegeBag([priv(ref, user, USER, "SELECT")]))
    assert msg == "SELECT is already granted on table [%s,t] by alice" % db

    # revoke the grant option only, then the privilege; then nothing to revoke
    assert client.grant_revoke_privileges(GrantRevokePrivilegeRequest(
        requestType=GrantRevokeType.REVOKE, privileges=PrivilegeBag([priv(ref, user, USER, "SELECT")]),
        revokeGrantOption=True)).success
    assert privs_of(client, user, USER)[1] == (HiveObjectType.TABLE, "t", "SELECT", False)
    assert "does not have grant option" in meta_error(
        client.grant_revoke_privileges, GrantRevokePrivilegeRequest(
            requestType=GrantRevokeType.REVOKE,
            privileges=PrivilegeBag([priv(ref, user, USER, "SELECT")]), revokeGrantOption=True))
    assert client.revoke_privileges(PrivilegeBag([priv(ref, user, USER, "SELECT,INSERT")]))
    assert privs_of(client, user, USER) == []
    assert "No user grant found for privileges SELECT" in meta_error(
        client.revoke_privileges, PrivilegeBag([priv(ref, user, USER, "SELECT")]))


def test_grant_bag_is_all_or_nothing(client):
    db = make_db(client, "e2e_privdb")
    make_table(client, db, "t", parts=[])
    user = unique("u")
    bag = PrivilegeBag([priv(obj(HiveObjectType.TABLE, db, "t"), user, USER, "SELECT"),
                        priv(obj(HiveObjectType.TABLE, db, "missing"), user, USER, "SELECT")])
    assert "does not exist" in meta_error(client.grant_privileges, bag)
    assert privs_of(client, user, USER) == []
    assert "does not exist" in meta_error(client.grant_privileges, PrivilegeBag(
        [priv(obj(HiveObjectType.DATABASE, unique("nodb")), user, USER, "SELECT")]))


def test_privilege_set_with_groups_and_roles(client):
    db = make_db(client, "e2e_privdb")
    make_table(client, db, "t", parts=[])
    ref = obj(HiveObjectType.TABLE, db, "t")
    user, group = unique("u"), unique("g")
    inner, outer = role(client, "in"), role(client, "out")
    client.grant_role(inner, group, GROUP, "admin", ROLE, False)   # the group holds inner
    client.grant_role(outer, inner, ROLE, "admin", ROLE, False)    # inner belongs to outer
    client.grant_privileges(PrivilegeBag([
        priv(ref, user, USER, "SELECT"), priv(ref, group, GROUP, "INSERT"),
        priv(ref, outer, ROLE, "DELETE"), priv(ref, "public", ROLE, "UPDATE"),
        priv(ref, unique("other"), USER, "SELECT")]))
    s = client.get_privilege_set(ref, user, [group])
    assert {k: [g.privilege for g in v] for k, v in s.userPrivileges.items()} == {user: ["SELECT"]}
    assert {k: [g.privilege for g in v] for k, v in s.groupPrivileges.items()} == {group: ["INSERT"]}
    roles = {k: [g.privilege for g in v] for k, v in s.rolePrivileges.items()}
    assert roles == {inner: [], outer: ["DELETE"], "public": ["UPDATE"]}
    # a database the user has nothing on: its lists, empty
    s = client.get_privilege_set(obj(HiveObjectType.DATABASE, db), user, [])
    assert s.userPrivileges == {user: []} and s.rolePrivileges == {"public": []}
    # global: only non-empty user and group lists
    s = client.get_privilege_set(obj(HiveObjectType.GLOBAL), user, [group])
    assert not s.userPrivileges and not s.rolePrivileges
    client.grant_privileges(PrivilegeBag([priv(obj(HiveObjectType.GLOBAL), user, USER, "ALL")]))
    s = client.get_privilege_set(obj(HiveObjectType.GLOBAL), user, [])
    assert [g.privilege for g in s.userPrivileges[user]] == ["ALL"]


def test_database_partition_column_privileges(client):
    db = make_db(client, "e2e_privdb")
    table = make_table(client, db, "p")
    add(client, table, ["2024-01-01", "1"], ["2024-01-02", "1"])
    user = unique("u")
    part = obj(HiveObjectType.PARTITION, db, "p", ["2024-01-01", "1"])
    pcol = obj(HiveObjectType.COLUMN, db, "p", ["2024-01-01", "1"], "id")
    tcol = obj(HiveObjectType.COLUMN, db, "p", None, "name")
    client.grant_privileges(PrivilegeBag([
        priv(obj(HiveObjectType.DATABASE, db), user, USER, "CREATE"), priv(part, user, USER, "SELECT"),
        priv(pcol, user, USER, "SELECT"), priv(tcol, user, USER, "SELECT")]))
    assert [p.hiveObject.partValues for p in client.list_privileges(user, USER, part)] == \
        [["2024-01-01", "1"]]
    assert [p.hiveObject.columnName for p in client.list_privileges(user, USER, pcol)] == ["id"]
    assert [p.hiveObject.columnName for p in client.list_privileges(
        user, USER, obj(HiveObjectType.COLUMN, db, "p"))] == ["name"]
    s = client.get_privilege_set(pcol, user, [])
    assert [g.privilege for g in s.userPrivileges[user]] == ["SELECT"]
    assert "does not exist" in meta_error(client.grant_privileges, PrivilegeBag(
        [priv(obj(HiveObjectType.PARTITION, db, "p", ["2030-01-01", "9"]), user, USER, "SELECT")]))
    # dropping the partition takes its grants (and its columns')
    client.drop_partition(db, "p", ["2024-01-01", "1"], True)
    assert len(client.list_privileges(user, USER, HiveObjectRef())) == 2
    # dropping the database takes everything in it
    client.drop_database(db, True, True)
    assert client.list_privileges(user, USER, HiveObjectRef()) == []


def test_refresh_privileges(client):
    db = make_db(client, "e2e_privdb")
    make_table(client, db, "t", parts=[])
    ref = obj(HiveObjectType.TABLE, db, "t")
    a, b = unique("ua"), unique("ub")
    client.grant_privileges(PrivilegeBag([priv(ref, a, USER, "SELECT"),
                                          priv(ref, a, USER, "INSERT", authorizer="other")]))
    resp = client.refresh_privileges(ref, "SQL", GrantRevokePrivilegeRequest(
        requestType=GrantRevokeType.GRANT, privileges=PrivilegeBag([priv(ref, b, USER, "SELECT")])))
    assert resp.success
    assert privs_of(client, a, USER) == [(HiveObjectType.TABLE, "t", "INSERT", False)]
    assert privs_of(client, b, USER) == [(HiveObjectType.TABLE, "t", "SELECT", False)]
    assert "Unexpected object type" in meta_error(
        client.refresh_privileges, obj(HiveObjectType.GLOBAL), "SQL",
        GrantRevokePrivilegeRequest(requestType=GrantRevokeType.GRANT, privileges=PrivilegeBag([])))


def test_create_table_stores_owner_privileges_dropped_with_table(client, server):
    """Trino (sql-standard) and Hive send the owner's grants in Table.privileges."""
    db = make_db(client, "e2e_privdb")
    owner = unique("owner")
    info = [PrivilegeGrantInfo(privilege=p, createTime=0, grantor=owner, grantorType=USER,
                               grantOption=True) for p in ("SELECT", "INSERT", "UPDATE", "DELETE")]
    table = make_table(client, db, "src", parts=[])
    table.tableName = "owned"
    table.sd.location = None
    table.privileges = PrincipalPrivilegeSet(userPrivileges={owner: info})
    client.create_table(table)
    expect = [(HiveObjectType.TABLE, "owned", p, True)
              for p in ("DELETE", "INSERT", "SELECT", "UPDATE")]
    assert privs_of(client, owner, USER) == expect
    assert {p.authorizer for p in client.list_privileges(owner, USER, HiveObjectRef())} == {"SQL"}
    # a rename keeps them
    renamed = client.get_table(db, "owned")
    renamed.tableName = "owned2"
    client.alter_table(db, "owned", renamed)
    assert [x[1] for x in privs_of(client, owner, USER)] == ["owned2"] * 4
    # the drop takes them, in its transaction
    client.drop_table(db, "owned2", True)
    assert privs_of(client, owner, USER) == []
    assert psql(server, "SELECT count(*) FROM ms_privileges WHERE principal_name = '%s'"
                % owner).strip() == "0"


def test_drop_role_takes_its_privileges(client):
    db = make_db(client, "e2e_privdb")
    r = role(client)
    client.grant_privileges(PrivilegeBag([priv(obj(HiveObjectType.DATABASE, db), r, ROLE, "SELECT")]))
    assert len(client.list_privileges(r, ROLE, HiveObjectRef())) == 1
    client.drop_role(r)
    assert client.list_privileges(r, ROLE, HiveObjectRef()) == []


def test_refused_arguments(client):
    user = unique("u")
    assert meta_error(client.create_role, Role()) == "Role name cannot be null."
    assert "needs an object type" in meta_error(client.grant_privileges, PrivilegeBag(
        [priv(HiveObjectRef(), user, USER, "SELECT")]))
    assert meta_error(client.grant_privileges, PrivilegeBag(
        [priv(obj(HiveObjectType.DATACONNECTOR, "x"), user, USER, "SELECT")])) == \
        "Unexpected object type 6"
    assert meta_error(client.get_privilege_set, HiveObjectRef(), user, []) == \
        "Unexpected object type null"
    assert "Unknown request type" in meta_error(client.grant_revoke_privileges,
                                                GrantRevokePrivilegeRequest(
                                                    privileges=PrivilegeBag([])))
    assert privs_of(client, user, USER) == []
