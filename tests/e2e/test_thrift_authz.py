"""Authorization on the Thrift door (thrift.auth.rules, thrift.auth.default,
thrift.read_only, thrift.read_only_port): rules on the client address
(only 127.0.0.1 exists here, so rules match it or not), on the set_ugi user
(an unauthenticated claim), on client certificates (mutual TLS); a refused
write answers MetaException naming the identity and leaves the catalog
unchanged, reads go on, admin may do everything, read-only listeners."""
import re

import pytest
from thrift.Thrift import TApplicationException
from hive_metastore.ttypes import Database, MetaException, Role

from conftest import Client, Server, unique
from partlib import make_table
from test_thrift_tls import TlsClient, tls_sets
from tlslib import make_leaf


def rules(text, default=None):
    sets = ["thrift.auth.rules=" + text]
    if default:
        sets.append("thrift.auth.default=" + default)
    return sets


def refused(fn, *args):
    """The MetaException message a refused call answers."""
    with pytest.raises(MetaException) as e:
        fn(*args)
    return e.value.message


def db_names(client):
    return set(client.get_all_databases())


def test_address_rules(metastore_factory):
    # a range that holds 127.0.0.1 reads, one that does not would write
    srv = metastore_factory(sets=rules("addr:127.0.0.0/8 -> read; addr:10.0.0.0/8 -> admin",
                                       "none"))
    c = srv.client()
    try:
        assert "default" in db_names(c)
        c.get_database("default")
        name = unique("authz_addr")
        msg = refused(c.create_database, Database(name=name, parameters={}))
        assert msg.startswith("create_database refused: client 127.0.0.1 may read every database")
        assert "writes hive.%s" % name in msg
        assert name not in db_names(c)
    finally:
        c.close()


def test_unmatched_address_gets_the_default(metastore_factory):
    srv = metastore_factory(sets=rules("addr:10.0.0.0/8 -> admin", "none"))
    c = srv.client()
    try:
        c.set_ugi("anyone", [])            # the handshake is open to all
        msg = refused(c.get_all_databases)
        assert "client 127.0.0.1, set_ugi user 'anyone' (an unauthenticated claim)" in msg
        assert "may make no catalog call" in msg
    finally:
        c.close()


def test_ugi_rules_scope_writes_and_refused_writes_change_nothing(metastore_factory):
    mine, theirs = unique("authz_etl"), unique("authz_other")
    srv = metastore_factory(sets=rules("ugi:root -> admin; * -> read; ugi:etl -> write %s" % mine,
                                       "none"))
    root, etl, anon = srv.client(), srv.client(), srv.client()
    try:
        root.set_ugi("root", [])
        root.create_database(Database(name=theirs, parameters={}))
        make_table(root, theirs, "keep")
        etl.set_ugi("etl", ["etl"])
        # writes in its own database
        etl.create_database(Database(name=mine, parameters={}))
        make_table(etl, mine, "t")
        etl.drop_table(mine, "t", True)
        # everything else: refused, and nothing changes
        msg = refused(etl.drop_table, theirs, "keep", True)
        assert ("drop_table refused: client 127.0.0.1, set_ugi user 'etl' (an unauthenticated "
                "claim) may read every database; write hive.%s; this call writes hive.%s"
                % (mine, theirs)) == msg
        refused(etl.drop_database, theirs, True, True)
        assert etl.get_table(theirs, "keep").tableName == "keep"
        assert theirs in db_names(etl)
        # a table moved into another database names both
        t = etl.get_table(theirs, "keep")
        make_table(etl, mine, "mv")
        moved = etl.get_table(mine, "mv")
        moved.dbName = theirs
        assert "writes hive.%s" % theirs in refused(etl.alter_table, mine, "mv", moved)
        assert etl.get_table(mine, "mv").tableName == "mv"
        # a client with no set_ugi (or another user) reads only
        assert anon.get_table(theirs, "keep").tableName == t.tableName
        assert "client 127.0.0.1 may read every database;" in refused(
            anon.drop_table, mine, "mv", True)
        # administration calls are for admins only
        assert "is an administration call (admin only)" in refused(
            etl.create_role, Role(roleName=unique("r"), ownerName="etl"))
        # the set_ugi user is a claim: claiming another user changes the grants
        etl.set_ugi("root", [])
        etl.drop_database(theirs, True, True)
        assert theirs not in db_names(root)
    finally:
        for c in (root, etl, anon):
            c.close()


def test_admin_may_do_everything(metastore_factory):
    srv = metastore_factory(sets=rules("ugi:admin -> admin", "read"))
    c = srv.client()
    try:
        name = unique("authz_admin")
        refused(c.create_database, Database(name=name, parameters={}))
        c.set_ugi("admin", [])
        c.create_database(Database(name=name, parameters={}))
        make_table(c, name, "t")
        role = unique("authz_role")
        c.create_role(Role(roleName=role, ownerName="admin"))
        assert role in c.get_role_names()
        c.drop_role(role)
        c.drop_database(name, True, True)
    finally:
        c.close()


def test_default_config_allows_everything(metastore_factory):
    srv = metastore_factory()
    c = srv.client()
    try:
        name = unique("authz_default")
        c.create_database(Database(name=name, parameters={}))
        role = unique("authz_role")
        c.create_role(Role(roleName=role, ownerName="x"))
        c.drop_role(role)
        c.drop_database(name, True, True)
    finally:
        c.close()


def read_only_port(srv):
    m = re.search(r"HMS Thrift API \(reads only\) listening on 127\.0\.0\.1 port (\d+)",
                  srv.log_text())
    assert m, srv.log_tail()
    return int(m.group(1))


def test_read_only_listener(metastore_factory):
    srv = metastore_factory(sets=["thrift.read_only_port=0"])
    rw, ro = srv.client(), Client(read_only_port(srv))
    try:
        name = unique("authz_ro")
        rw.create_database(Database(name=name, parameters={}))
        make_table(rw, name, "t")
        assert ro.get_table(name, "t").tableName == "t"
        assert name in db_names(ro)
        assert refused(ro.drop_table, name, "t", True) == (
            "drop_table refused: this Thrift listener is read-only (it serves reads only)")
        refused(ro.create_database, Database(name=unique("authz_ro2"), parameters={}))
        assert rw.get_table(name, "t").tableName == "t"
        rw.drop_database(name, True, True)
    finally:
        rw.close()
        ro.close()


def test_read_only_door(metastore_factory):
    # even an admin rule does not write through a read-only port
    srv = metastore_factory(sets=["thrift.read_only=true"] + rules("* -> admin"))
    c = srv.client()
    try:
        c.get_database("default")
        assert "read-only" in refused(
            c.create_database, Database(name=unique("authz_rod"), parameters={}))
    finally:
        c.close()


def test_bad_rules_stop_the_start(pg, tmp_path):
    with pytest.raises(RuntimeError):
        Server(pg, pg.createdb(), str(tmp_path), sets=rules("addr:300.1.2.3/8 -> read"))
    log = (tmp_path / "metastore.log").read_text()
    assert "thrift.auth.rules: rule 'addr:300.1.2.3/8 -> read': addr: needs an IP address" in log


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    from tlslib import make_pki
    p = make_pki(str(tmp_path_factory.mktemp("thrift-authz")))
    p["etl"] = make_leaf(p["dir"], "etl-client", p["ca"], "clientAuth",
                         "DNS:etl.example.com,email:etl@example.com")
    return p


def test_client_certificate_rules(metastore_factory, pki):
    srv = metastore_factory(sets=tls_sets(*pki["server"], client_ca=pki["ca"][0])
                            + rules("cert:*.example.com -> write; cert:client -> read", "none"))
    reader = TlsClient(srv.port, pki["ca"][0], cert=pki["client"])
    writer = TlsClient(srv.port, pki["ca"][0], cert=pki["etl"])
    try:
        name = unique("authz_cert")
        msg = refused(reader.create_database, Database(name=name, parameters={}))
        assert "client 127.0.0.1, certificate 'client' may read every database" in msg
        writer.create_database(Database(name=name, parameters={}))
        assert reader.get_database(name).name == name
        # a set_ugi claim does not lift what the certificate gets
        reader.set_ugi("etl.example.com", [])
        refused(reader.drop_database, name, True, True)
        writer.drop_database(name, True, True)
    finally:
        reader.close()
        writer.close()


def test_catalog_prefixed_names(metastore_factory):
    # Hive 3+ clients send "@catalog#db"; the rules see the catalog and the database
    mine, theirs = unique("authz_pfx"), unique("authz_pfx_other")
    srv = metastore_factory(sets=rules("ugi:root -> admin; * -> read %s" % mine, "none"))
    root, c = srv.client(), srv.client()
    try:
        root.set_ugi("root", [])
        for name in (mine, theirs):
            root.create_database(Database(name=name, parameters={}))
        assert c.get_database("@hive#" + mine.upper()).name == mine
        assert refused(c.get_database, "@hive#" + theirs).endswith(
            "this call reads hive.%s" % theirs)
        assert refused(c.get_database, "@other#" + mine).endswith(
            "this call reads other.%s" % mine)
    finally:
        root.close()
        c.close()


def test_databases_found_inside_lists_and_nested_structs(metastore_factory):
    # add_partitions (a list of Partition), lock (a list of LockComponent),
    # column statistics (ColumnStatistics.statsDesc.dbName): each names its database
    from hive_metastore.ttypes import (BooleanColumnStatsData, ColumnStatistics,
                                       ColumnStatisticsData, ColumnStatisticsDesc,
                                       ColumnStatisticsObj, LockComponent, LockLevel,
                                       LockRequest, LockType, UnlockRequest)
    from partlib import new_part
    mine, theirs = unique("authz_nest"), unique("authz_nest_other")
    srv = metastore_factory(sets=rules("ugi:root -> admin; ugi:etl -> write %s" % mine, "read"))
    root, etl = srv.client(), srv.client()
    try:
        root.set_ugi("root", [])
        etl.set_ugi("etl", [])
        tables = {}
        for name in (mine, theirs):
            root.create_database(Database(name=name, parameters={}))
            tables[name] = make_table(root, name, "t")

        def lock_req(db):
            return LockRequest(component=[LockComponent(
                type=LockType.SHARED_WRITE, level=LockLevel.TABLE, dbname=db, tablename="t")],
                user="etl", hostname="h")

        def stats(db):
            data = ColumnStatisticsData(booleanStats=BooleanColumnStatsData(
                numTrues=1, numFalses=1, numNulls=0))
            return ColumnStatistics(
                statsDesc=ColumnStatisticsDesc(isTblLevel=True, dbName=db, tableName="t"),
                statsObj=[ColumnStatisticsObj(colName="id", colType="bigint", statsData=data)])

        etl.add_partitions([new_part(tables[mine], ["2024-01-01", "1"])])
        assert "writes hive.%s" % theirs in refused(
            etl.add_partitions, [new_part(tables[theirs], ["2024-01-01", "1"])])
        assert root.get_partition_names(theirs, "t", -1) == []
        etl.unlock(UnlockRequest(lockid=etl.lock(lock_req(mine)).lockid))
        # lock declares no MetaException: the refusal is a TApplicationException
        with pytest.raises(TApplicationException) as e:
            etl.lock(lock_req(theirs))
        assert "writes hive.%s" % theirs in e.value.message
        assert "writes hive.%s" % theirs in refused(
            etl.update_table_column_statistics, stats(theirs))
    finally:
        root.close()
        etl.close()


def test_listings_show_only_readable_databases(metastore_factory):
    # get_databases, get_all_databases and get_table_meta keep the databases
    # the caller may read, as the Java metastore's filter hook does
    a, b, c = unique("authz_list_a"), unique("authz_list_b"), unique("authz_list_c")
    srv = metastore_factory(sets=rules("ugi:root -> admin; ugi:etl -> write %s; "
                                       "ugi:bi -> read authz_list_b*" % a, "none"))
    root, etl, bi = srv.client(), srv.client(), srv.client()
    try:
        root.set_ugi("root", [])
        etl.set_ugi("etl", [])
        bi.set_ugi("bi", [])
        for name in (a, b, c):
            root.create_database(Database(name=name, parameters={}))
            make_table(root, name, "t")
        assert {a, b, c} <= db_names(root)
        assert db_names(etl) == {a}
        assert set(etl.get_databases("authz_list_*")) == {a}
        assert set(etl.get_databases("@hive#authz_list_*")) == {a}
        assert {m.dbName for m in etl.get_table_meta("authz_list_*", "*", None)} == {a}
        assert b in db_names(bi) and a not in db_names(bi) and c not in db_names(bi)
        assert {m.dbName for m in bi.get_table_meta("*", "*", None)} <= {
            n for n in db_names(root) if n.startswith("authz_list_b")}
        assert {m.dbName for m in root.get_table_meta("authz_list_*", "*", None)} >= {a, b, c}
        # a database it may not read is still refused when named
        assert "reads hive.%s" % c in refused(etl.get_database, c)
    finally:
        for cl in (root, etl, bi):
            cl.close()


def test_sighup_reloads_rules(metastore_factory, tmp_path):
    import signal
    import time
    conf = tmp_path / "metastore.conf"
    conf.write_text("[thrift]\nauth.rules = * -> read\nauth.default = none\n")
    srv = metastore_factory(env={"METASTORE_CONFIG": str(conf)})

    def reload(marker):
        n = srv.log_text().count(marker)
        srv.proc.send_signal(signal.SIGHUP)
        for _ in range(100):
            if srv.log_text().count(marker) > n:
                return
            time.sleep(0.05)
        raise AssertionError("no %r after SIGHUP: %s" % (marker, srv.log_text()[-2000:]))

    name = unique("authz_hup")
    held = srv.client()          # a connection open across the reloads
    try:
        assert "create_database refused" in refused(
            held.create_database, Database(name=name, parameters={}))
        conf.write_text("[thrift]\nauth.rules = * -> write %s\nauth.default = none\n" % name)
        reload("SIGHUP: Thrift authorization on: 1 rules")
        held.create_database(Database(name=name, parameters={}))
        assert db_names(held) == {name}
        # rules that do not parse leave those in force
        conf.write_text("[thrift]\nauth.rules = nobody -> everything\nauth.default = none\n")
        reload("SIGHUP: Thrift authorization rules not changed")
        assert db_names(held) == {name}
        conf.write_text("[log]\nlevel = info\n")
        reload("SIGHUP: Thrift authorization off")
        assert {name, "default"} <= db_names(held)
    finally:
        held.close()
