"""HMS locks (lock, check_lock, unlock, heartbeat, show_locks) against a real
server and PostgreSQL: Hive's conflict matrix and hierarchy, arrival order,
expiry, several server processes on one database, and every error."""
import threading
import time

import pytest
from thrift.Thrift import TApplicationException

from conftest import unique
from hive_metastore.ttypes import (CheckLockRequest, HeartbeatRequest, LockComponent, LockLevel,
                                   LockRequest, LockState, LockType, NoSuchLockException,
                                   NoSuchTxnException, ShowLocksRequest, TxnOpenException,
                                   UnlockRequest)

SR, SW, EX, EW = (LockType.SHARED_READ, LockType.SHARED_WRITE, LockType.EXCLUSIVE,
                  LockType.EXCL_WRITE)
ACQUIRED, WAITING = LockState.ACQUIRED, LockState.WAITING
NO_SUCH_ID = 2 ** 62


def comp(type_, db, table=None, part=None):
    level = LockLevel.PARTITION if part else LockLevel.TABLE if table else LockLevel.DB
    return LockComponent(type=type_, level=level, dbname=db, tablename=table,
                         partitionname=part)


def lock(client, *comps, user="alice", host="host1", **kw):
    return client.lock(LockRequest(component=list(comps), user=user, hostname=host, **kw))


def check(client, lockid):
    return client.check_lock(CheckLockRequest(lockid=lockid)).state


def unlock(client, lockid):
    client.unlock(UnlockRequest(lockid=lockid))


def show(client, **kw):
    return client.show_locks(ShowLocksRequest(**kw)).locks


def wait_acquired(client, lockid, tries=500):
    for _ in range(tries):
        if check(client, lockid) == ACQUIRED:
            return True
        time.sleep(0.01)
    return False


def test_acquire_release(client):
    db = unique("lk_db")
    r = lock(client, comp(EX, db, "t1"), agentInfo="query-1")
    assert r.state == ACQUIRED and r.lockid > 0
    locks = show(client, dbname=db)
    assert len(locks) == 1
    e = locks[0]
    assert (e.lockid, e.dbname, e.tablename, e.partname) == (r.lockid, db, "t1", None)
    assert (e.state, e.type, e.txnid, e.lockIdInternal) == (ACQUIRED, EX, 0, 1)
    assert (e.user, e.hostname, e.agentInfo) == ("alice", "host1", "query-1")
    assert e.lastheartbeat > 1_600_000_000_000 and e.acquiredat >= e.lastheartbeat - 60_000
    assert e.blockedByExtId is None and e.heartbeatCount == 0
    assert check(client, r.lockid) == ACQUIRED
    unlock(client, r.lockid)
    assert show(client, dbname=db) == []
    r2 = lock(client, comp(EX, db, "t1"))
    assert r2.state == ACQUIRED and r2.lockid > r.lockid
    assert show(client, dbname=db)[0].agentInfo == "Unknown"
    unlock(client, r2.lockid)


def test_shared_reads_share(client):
    db = unique("lk_db")
    a = lock(client, comp(SR, db, "t"))
    b = lock(client, comp(SR, db, "t"))
    assert (a.state, b.state) == (ACQUIRED, ACQUIRED)
    unlock(client, a.lockid)
    unlock(client, b.lockid)


def test_exclusive_waits_for_shared_read(client):
    db = unique("lk_db")
    a = lock(client, comp(SR, db, "t"))
    b = lock(client, comp(EX, db, "t"))
    assert (a.state, b.state) == (ACQUIRED, WAITING)
    assert check(client, b.lockid) == WAITING
    waiting = [e for e in show(client, dbname=db) if e.lockid == b.lockid][0]
    assert (waiting.state, waiting.blockedByExtId, waiting.blockedByIntId) == (WAITING, a.lockid, 1)
    assert waiting.acquiredat is None
    unlock(client, a.lockid)
    assert check(client, b.lockid) == ACQUIRED
    assert show(client, dbname=db)[0].blockedByExtId is None
    unlock(client, b.lockid)


def test_arrival_order_does_not_starve_a_writer(client):
    db = unique("lk_db")
    a = lock(client, comp(SR, db, "t"))
    b = lock(client, comp(EX, db, "t"))
    c = lock(client, comp(SR, db, "t"))          # compatible with a, but b came first
    assert (a.state, b.state, c.state) == (ACQUIRED, WAITING, WAITING)
    assert [e.blockedByExtId for e in show(client, dbname=db) if e.lockid == c.lockid] == [b.lockid]
    unlock(client, a.lockid)
    assert check(client, c.lockid) == WAITING     # still behind the waiting writer
    assert check(client, b.lockid) == ACQUIRED
    assert check(client, c.lockid) == WAITING
    unlock(client, b.lockid)
    assert check(client, c.lockid) == ACQUIRED
    unlock(client, c.lockid)


# Hive's matrix between two locks on the same table: requested (row) after
# existing (column).
MATRIX = {
    SR: {SR: ACQUIRED, SW: ACQUIRED, EW: ACQUIRED, EX: WAITING},
    SW: {SR: ACQUIRED, SW: ACQUIRED, EW: WAITING, EX: WAITING},
    EW: {SR: ACQUIRED, SW: WAITING, EW: WAITING, EX: WAITING},
    EX: {SR: WAITING, SW: WAITING, EW: WAITING, EX: WAITING},
}


@pytest.mark.parametrize("existing", [SR, SW, EW, EX], ids=lambda t: LockType._VALUES_TO_NAMES[t])
def test_type_matrix(client, existing):
    for requested, row in MATRIX.items():
        db = unique("lk_db")
        a = lock(client, comp(existing, db, "t"))
        b = lock(client, comp(requested, db, "t"))
        assert a.state == ACQUIRED
        assert b.state == row[existing], (LockType._VALUES_TO_NAMES[requested],
                                          LockType._VALUES_TO_NAMES[existing])
        unlock(client, a.lockid)
        unlock(client, b.lockid)


# (first, second, state of the second): levels and objects.
HIERARCHY = [
    ("db EXCLUSIVE covers its tables", (EX, None, None), (SR, "t", None), WAITING),
    ("db EXCLUSIVE covers its partitions", (EX, None, None), (SR, "t", "p=1"), WAITING),
    ("table EXCLUSIVE covers its partitions", (EX, "t", None), (SR, "t", "p=1"), WAITING),
    ("partition EXCLUSIVE blocks a table read", (EX, "t", "p=1"), (SR, "t", None), WAITING),
    ("table read blocks a db EXCLUSIVE", (SR, "t", None), (EX, None, None), WAITING),
    ("db reads are not blocked by a table EXCLUSIVE", (EX, "t", None), (SR, None, None), ACQUIRED),
    ("a table EXCLUSIVE is not blocked by a db read", (SR, None, None), (EX, "t", None), ACQUIRED),
    ("a partition EXCLUSIVE is not blocked by a db read", (SR, None, None), (EX, "t", "p=1"),
     ACQUIRED),
    ("db EXCLUSIVE waits for a db read", (SR, None, None), (EX, None, None), WAITING),
    ("other partitions are independent", (EX, "t", "p=1"), (EX, "t", "p=2"), ACQUIRED),
    ("other tables are independent", (EX, "t", None), (EX, "u", None), ACQUIRED),
    ("a partition of another table", (EX, "t", "p=1"), (SR, "u", None), ACQUIRED),
    ("db EXCL_WRITE blocks a table SHARED_WRITE", (EW, None, None), (SW, "t", None), WAITING),
]


@pytest.mark.parametrize("first,second,expected", [h[1:] for h in HIERARCHY],
                         ids=[h[0] for h in HIERARCHY])
def test_hierarchy(client, first, second, expected):
    db = unique("lk_db")
    a = lock(client, comp(first[0], db, first[1], first[2]))
    b = lock(client, comp(second[0], db, second[1], second[2]))
    assert a.state == ACQUIRED
    assert b.state == expected
    unlock(client, a.lockid)
    if expected == WAITING:
        assert check(client, b.lockid) == ACQUIRED
    unlock(client, b.lockid)


def test_other_databases_are_independent(client):
    db1, db2 = unique("lk_db"), unique("lk_db")
    a = lock(client, comp(EX, db1))
    b = lock(client, comp(EX, db2))
    assert (a.state, b.state) == (ACQUIRED, ACQUIRED)
    unlock(client, a.lockid)
    unlock(client, b.lockid)


def test_request_is_all_or_nothing(client):
    db = unique("lk_db")
    a = lock(client, comp(EX, db, "t1"))
    b = lock(client, comp(SR, db, "t2"), comp(SR, db, "t1"))
    assert b.state == WAITING
    mine = [e for e in show(client, dbname=db) if e.lockid == b.lockid]
    assert sorted((e.lockIdInternal, e.tablename, e.state) for e in mine) == [
        (1, "t2", WAITING), (2, "t1", WAITING)]
    assert {e.blockedByExtId for e in mine} == {a.lockid}
    # a lock on t2 alone is not held up by b's waiting SHARED_READ
    c = lock(client, comp(SR, db, "t2"))
    assert c.state == ACQUIRED
    unlock(client, a.lockid)
    assert check(client, b.lockid) == ACQUIRED
    assert {e.state for e in show(client, dbname=db) if e.lockid == b.lockid} == {ACQUIRED}
    unlock(client, b.lockid)
    unlock(client, c.lockid)


def test_waiting_request_can_be_withdrawn(client):
    db = unique("lk_db")
    a = lock(client, comp(EX, db, "t"))
    b = lock(client, comp(EX, db, "t"))
    c = lock(client, comp(SR, db, "t"))
    assert (b.state, c.state) == (WAITING, WAITING)
    unlock(client, b.lockid)                       # gives up waiting
    unlock(client, a.lockid)
    assert check(client, c.lockid) == ACQUIRED
    with pytest.raises(NoSuchLockException):
        check(client, b.lockid)
    unlock(client, c.lockid)


def test_names_are_normalised(client):
    db = unique("LK_Db")
    r = lock(client, comp(EX, db, "MyTable", "Year=2024/Month=Jan"))
    e = show(client, dbname=db.lower())[0]
    assert (e.dbname, e.tablename, e.partname) == (db.lower(), "mytable", "year=2024/month=Jan")
    # the same object in other spellings conflicts, and the filters match it
    other = lock(client, comp(SR, db.upper(), "MYTABLE", "YEAR=2024/MONTH=Jan"))
    assert other.state == WAITING
    assert len(show(client, dbname=db, tablename="MyTable", partname="year=2024/month=Jan")) == 2
    unlock(client, r.lockid)
    unlock(client, other.lockid)


def test_show_locks_filters(client):
    db, db2 = unique("lk_db"), unique("lk_db")
    a = lock(client, comp(SR, db, "t1", "p=1"))
    b = lock(client, comp(SR, db, "t1", "p=2"))
    c = lock(client, comp(EX, db, "t2"))
    d = lock(client, comp(SR, db))
    e = lock(client, comp(EX, db2, "t1"))
    ids = lambda locks: sorted(x.lockid for x in locks)  # noqa: E731
    assert ids(show(client, dbname=db)) == sorted([a.lockid, b.lockid, c.lockid, d.lockid])
    assert ids(show(client, dbname=db, tablename="t1")) == sorted([a.lockid, b.lockid])
    assert ids(show(client, dbname=db, tablename="t1", partname="p=2")) == [b.lockid]
    assert ids(show(client, dbname=db2)) == [e.lockid]
    assert ids(show(client, dbname=db, txnid=0)) == ids(show(client, dbname=db))
    assert show(client, dbname=db, txnid=5) == []
    assert show(client, dbname=unique("lk_none")) == []
    everything = ids(show(client))
    assert set(ids(show(client, dbname="", tablename="", partname=""))) >= {a.lockid, e.lockid}
    assert {a.lockid, b.lockid, c.lockid, d.lockid, e.lockid} <= set(everything)
    # Hive's SHOW LOCKS order: acquired first, then by type, then by id
    waiting = lock(client, comp(EX, db, "t1", "p=1"))
    order = [(x.state, x.type, x.lockid) for x in show(client, dbname=db)]
    assert order == [(ACQUIRED, SR, a.lockid), (ACQUIRED, SR, b.lockid),
                     (ACQUIRED, SR, d.lockid), (ACQUIRED, EX, c.lockid),
                     (WAITING, EX, waiting.lockid)]
    for x in (a, b, c, d, e, waiting):
        unlock(client, x.lockid)


def test_heartbeat(client):
    db = unique("lk_db")
    r = lock(client, comp(SR, db, "t"))
    before = show(client, dbname=db)[0]
    client.heartbeat(HeartbeatRequest(lockid=r.lockid))
    client.heartbeat(HeartbeatRequest(lockid=r.lockid))
    check(client, r.lockid)
    after = show(client, dbname=db)[0]
    assert after.heartbeatCount == before.heartbeatCount + 3
    assert after.lastheartbeat >= before.lastheartbeat
    # neither id: nothing to do, like Hive
    client.heartbeat(HeartbeatRequest())
    client.heartbeat(HeartbeatRequest(lockid=0, txnid=0))
    unlock(client, r.lockid)
    with pytest.raises(NoSuchLockException) as e:
        client.heartbeat(HeartbeatRequest(lockid=r.lockid))
    assert e.value.message == "No such lock: lockid:%d" % r.lockid


def test_errors(server, client):
    with pytest.raises(NoSuchLockException) as e:
        check(client, NO_SUCH_ID)
    assert e.value.message == "No such lock lockid:%d" % NO_SUCH_ID
    with pytest.raises(NoSuchLockException) as e:
        unlock(client, NO_SUCH_ID)
    assert e.value.message == "No such lock lockid:%d" % NO_SUCH_ID
    with pytest.raises(NoSuchLockException) as e:
        client.heartbeat(HeartbeatRequest(lockid=NO_SUCH_ID))
    assert e.value.message == "No such lock: lockid:%d" % NO_SUCH_ID

    # we serve no transactions: any txnid is unknown
    db = unique("lk_db")
    with pytest.raises(NoSuchTxnException) as e:
        lock(client, comp(SR, db, "t"), txnid=5)
    assert e.value.message == "No such transaction txnid:5"
    with pytest.raises(NoSuchTxnException) as e:
        client.heartbeat(HeartbeatRequest(txnid=7))
    assert e.value.message == "No such transaction txnid:7"
    with pytest.raises(NoSuchTxnException):
        client.heartbeat(HeartbeatRequest(lockid=NO_SUCH_ID, txnid=7))
    assert show(client, dbname=db) == []

    # malformed requests: no exception fits, so TApplicationException as in Hive
    for bad in ([], [comp(99, db, "t")], [comp(SR, "", "t")],
                [LockComponent(type=SR, level=LockLevel.PARTITION, dbname=db,
                               partitionname="p=1")]):
        with pytest.raises(TApplicationException):
            lock(client, *bad)
    assert show(client, dbname=db) == []

    # unlocking twice
    r = lock(client, comp(SR, db, "t"))
    unlock(client, r.lockid)
    with pytest.raises(NoSuchLockException):
        unlock(client, r.lockid)
    with pytest.raises(NoSuchLockException):
        check(client, r.lockid)

    # a lock of a transaction (only possible from another Hive metastore
    # sharing the tables, so planted here directly)
    out = server.pg.psql(server.db,
                         "WITH l AS (INSERT INTO ms_locks (txn_id, state, user_name, host_name, "
                         "last_heartbeat, acquired_at) VALUES (42, 1, 'u', 'h', 0, 0) "
                         "RETURNING lock_id) INSERT INTO ms_lock_components (lock_id, comp_id, "
                         "db_name, table_name, lock_type) SELECT lock_id, 1, '%s', 't', 3 FROM l "
                         "RETURNING lock_id" % db).stdout
    txn_lock = int(out.split()[0])
    try:
        with pytest.raises(TxnOpenException) as e:
            unlock(client, txn_lock)
        assert e.value.message == (
            "Unlocking locks associated with transaction not permitted.  lockid:%d intLockId:1 "
            "txnid:42 db:%s table:t partition:null state:ACQUIRED type:EXCLUSIVE" % (txn_lock, db))
        with pytest.raises(NoSuchTxnException) as e:
            check(client, txn_lock)
        assert e.value.message == "No such transaction txnid:42"
        # it is never swept by the lock timeout and blocks like any lock
        behind = lock(client, comp(SR, db, "t"))
        assert behind.state == WAITING
        unlock(client, behind.lockid)
    finally:
        server.pg.psql(server.db, "DELETE FROM ms_locks WHERE lock_id = %d" % txn_lock)


def test_expiry(metastore_factory):
    srv = metastore_factory(sets=("locks.timeout=2",))
    db = unique("lk_db")
    with srv.client() as c:
        dead = lock(c, comp(EX, db, "t"))           # never heartbeated again
        alive = lock(c, comp(EX, db, "u"))          # heartbeated below
        waiter = lock(c, comp(EX, db, "t"))
        assert (dead.state, alive.state, waiter.state) == (ACQUIRED, ACQUIRED, WAITING)
        acquired = False
        for _ in range(200):                        # at most ~20 s
            c.heartbeat(HeartbeatRequest(lockid=alive.lockid))
            if check(c, waiter.lockid) == ACQUIRED:  # check_lock heartbeats the waiter
                acquired = True
                break
            time.sleep(0.1)
        assert acquired
        with pytest.raises(NoSuchLockException) as e:
            check(c, dead.lockid)
        assert e.value.message == "No such lock lockid:%d" % dead.lockid
        with pytest.raises(NoSuchLockException):
            unlock(c, dead.lockid)
        assert sorted(x.lockid for x in show(c, dbname=db)) == [alive.lockid, waiter.lockid]
        # a new EXCLUSIVE on the expired lock's object acquires once the waiter is gone
        unlock(c, waiter.lockid)
        assert lock(c, comp(EX, db, "t")).state == ACQUIRED


def test_timeout_from_environment(metastore_factory):
    srv = metastore_factory(env={"METASTORE_LOCKS_TIMEOUT": "1"})
    db = unique("lk_db")
    with srv.client() as c:
        dead = lock(c, comp(EX, db))
        gone = False
        for _ in range(200):
            if show(c, dbname=db) == []:
                gone = True
                break
            time.sleep(0.1)
        assert gone
        with pytest.raises(NoSuchLockException):
            check(c, dead.lockid)


def test_two_servers_agree(pg, metastore_factory):
    dbname = pg.createdb()
    s1 = metastore_factory(db=dbname)
    s2 = metastore_factory(db=dbname)
    db = unique("lk_db")
    with s1.client() as c1, s2.client() as c2:
        a = lock(c1, comp(EX, db, "t"), host="replica-client-1")
        b = lock(c2, comp(SR, db, "t"), host="replica-client-2")
        assert (a.state, b.state) == (ACQUIRED, WAITING)
        assert check(c2, b.lockid) == WAITING
        seen = {(x.lockid, x.hostname, x.state) for x in show(c2, dbname=db)}
        assert seen == {(a.lockid, "replica-client-1", ACQUIRED),
                        (b.lockid, "replica-client-2", WAITING)}
        assert show(c1, dbname=db) == show(c2, dbname=db)
        # a lock taken through one server is released through the other
        unlock(c2, a.lockid)
        assert check(c1, b.lockid) == ACQUIRED
        c = lock(c1, comp(EX, db, "t"))
        assert c.state == WAITING
        unlock(c1, b.lockid)
        assert check(c2, c.lockid) == ACQUIRED
        unlock(c2, c.lockid)


def test_exclusive_race(pg, metastore_factory):
    """Threads on two server processes take turns on one EXCLUSIVE lock."""
    dbname = pg.createdb()
    servers = [metastore_factory(db=dbname), metastore_factory(db=dbname)]
    db = unique("lk_db")
    state = {"holders": 0, "max": 0, "turns": 0}
    mutex = threading.Lock()
    errors = []

    def worker(i):
        try:
            with servers[i % 2].client() as c:
                for _ in range(4):
                    r = lock(c, comp(EX, db, "t"), user="worker%d" % i)
                    if r.state != ACQUIRED and not wait_acquired(c, r.lockid, tries=3000):
                        errors.append("worker %d never acquired lock %d" % (i, r.lockid))
                        unlock(c, r.lockid)
                        return
                    with mutex:
                        state["holders"] += 1
                        state["max"] = max(state["max"], state["holders"])
                    held = [x for x in show(c, dbname=db) if x.state == ACQUIRED]
                    if [x.lockid for x in held] != [r.lockid]:
                        errors.append("while %d held: %r" % (r.lockid, held))
                    time.sleep(0.002)
                    with mutex:
                        state["holders"] -= 1
                        state["turns"] += 1
                    unlock(c, r.lockid)
        except Exception as e:  # reported below
            errors.append("worker %d: %r" % (i, e))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert state["max"] == 1 and state["turns"] == 32
    with servers[0].client() as c:
        assert show(c, dbname=db) == []
