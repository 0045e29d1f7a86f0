"""The one way screens reach the store (after Anki's QueryOp and CollectionOp).

- :class:`ReadOp` runs ``fn(session, ctx)`` in ``store.read()`` on the general pool. The read engine's
  connections are ``PRAGMA query_only``: a write there is refused by SQLite.
- :class:`WriteOp` runs ``fn(session, ctx)`` in ``store.begin(actor)`` on the one-thread write pool, so
  writes are serialised; after the commit (and after its own success callback) it announces the kinds of
  record it changed. The main window re-broadcasts that as its one ``store_changed`` signal and every
  screen that shows those records refreshes (Anki's ``operation_did_execute``).

Both are :class:`ui.tasks.Task`: ``.success()``, ``.failure()``, ``.with_progress()``, ``.disabling()``.
``fn`` runs on a worker and must return plain values (app services return frozen dataclasses), never ORM
objects or the session. This module is the only place in ui/ that opens a session; ``tests/ui/test_operations.py``
holds that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from ui.tasks import Cancelled, LatestRead, Task, TaskContext

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.storage import Store

# The kinds of record a write announces. A screen refreshes when a kind it shows is among them.
VILLAGE = "village"  # the village profile (name in the title bar, home screen)
RESIDENTS = "residents"  # residents, households, groups, roles
NOTICES = "notices"  # disclosure notices and their versions
MEETINGS = "meetings"
MATTERS = "matters"  # 四议两公开 matters
CERTIFICATES = "certificates"
BACKUPS = "backups"  # a backup copy was made (the home screen's to-do list)
USERS = "users"  # the program's users (设置 → 用户管理; the status bar names who is logged in)
KINDS = frozenset({VILLAGE, RESIDENTS, NOTICES, MEETINGS, MATTERS, CERTIFICATES, BACKUPS, USERS})


_RAISE = object()


class _StoreEvents(QObject):
    # (store, frozenset of kinds, initiator or None); emitted on the GUI thread
    changed = Signal(object, object, object)
    # (store, text): a write operation waits for another write to the store (another window or a command);
    # the main window shows the text in its status bar, "" when the wait is over. GUI thread.
    waiting = Signal(object, str)


class _Waiting(QObject):
    """Carries app.storage's wait notices from the write worker to the GUI thread."""

    said = Signal(str)


_events: _StoreEvents | None = None


def store_events() -> _StoreEvents:
    """The one sender of store changes; the main window listens and re-broadcasts for its own store."""
    global _events
    if _events is None:
        _events = _StoreEvents()
    return _events


def announce(store: Store, kinds: Iterable[str], initiator: object | None = None) -> None:
    """Tell every listener that ``kinds`` of ``store`` changed. Write operations call it after their commit;
    call it directly only for a change made outside a session (a backup file). GUI thread only."""
    found = frozenset(kinds)
    unknown = found - KINDS
    if unknown:
        raise ValueError("unknown kinds of record: {kinds}".format(kinds=sorted(unknown)))
    store_events().changed.emit(store, found, initiator)


class ReadOp(Task):
    """``ReadOp(store, lambda s, ctx: service(s, ...)).success(show).run()``: a read on the read pool."""

    def __init__(self, store: Store, fn: Callable[[Session, TaskContext], Any]) -> None:
        def run(ctx: TaskContext) -> Any:
            with store.read() as session:
                return fn(session, ctx)

        super().__init__(run, write=False)


class WriteOp(Task):
    """``WriteOp(store, actor, lambda s, ctx: service(s, ...), changes={RESIDENTS}).success(cb).run()``.

    One transaction on the write pool; committed when ``fn`` returns, rolled back when it raises. After a
    commit the success callback runs, then ``changes`` are announced (naming ``initiator``, so a screen
    that already showed its own change may skip a second read). ``after_commit(result, ctx)``, if given,
    runs on the worker once the transaction is committed (work outside the database, such as a key file,
    that must not happen for a transaction rolled back) and its answer is what the success callback gets.
    ``when_cancelled``, if given, is what the success callback gets when the person pressed 取消 (the
    transaction is rolled back and nothing is announced); without it a cancelled write ends quietly."""

    def __init__(self, store: Store, actor: str, fn: Callable[[Session, TaskContext], Any], *,
                 changes: Iterable[str], initiator: object | None = None,
                 after_commit: Callable[[Any, TaskContext], Any] | None = None,
                 when_cancelled: Any = _RAISE) -> None:
        kinds = frozenset(changes)
        if not kinds or kinds - KINDS:
            raise ValueError("a write operation names what it changes, from {kinds}".format(kinds=sorted(KINDS)))
        self.store, self.changes, self.initiator = store, kinds, initiator
        self.committed = False  # set on the worker, read on the GUI thread after its signal
        waiting = _waiting_for(self)

        def run(ctx: TaskContext) -> Any:
            from app.storage import wait_notice

            try:
                with wait_notice(waiting), store.begin(actor) as session:
                    result = fn(session, ctx)
            except Cancelled:
                if when_cancelled is _RAISE:
                    raise
                return when_cancelled
            self.committed = True
            return after_commit(result, ctx) if after_commit is not None else result

        super().__init__(run, write=True)

    def _succeeded(self, result: Any) -> None:
        try:
            super()._succeeded(result)
        finally:
            if self.committed:
                announce(self.store, self.changes, self.initiator)

    def _failed(self, exc: BaseException) -> None:
        try:
            super()._failed(exc)
        finally:
            if self.committed:  # committed, then after_commit failed: the change is in the store all the same
                announce(self.store, self.changes, self.initiator)


def _waiting_for(op: WriteOp | AppWriteOp) -> Callable[[float, float], None]:
    """The wait notice of a write operation (made on the GUI thread, called on its worker): while another
    write holds the store, the operation's progress window (or the status bar) says so and how long it has
    waited; app.storage gives up after a few minutes with a plain StoreBusy."""
    from shiboken6 import isValid

    carrier = _Waiting()
    op._waiting = carrier  # type: ignore[union-attr] # lives as long as the operation
    label: list[str | None] = [None]  # the progress window's own text, given back when the wait is over

    def show(text: str) -> None:
        dialog = op.dialog
        if dialog is not None and isValid(dialog):
            if label[0] is None:
                label[0] = dialog.labelText()
            dialog.setLabelText(text or label[0])
        store_events().waiting.emit(op.store, text)

    carrier.said.connect(show)

    def notice(waited: float, limit: float, over: bool) -> None:
        from app.storage import waiting_message

        carrier.said.emit("" if over else waiting_message(waited, limit))

    return notice


class AppWriteOp(Task):
    """``AppWriteOp(store, lambda ctx: app_function(store, ...), changes={CERTIFICATES})``: a write whose app
    function opens its own transaction because files take their names only after the commit (a printed
    certificate: app.certificates.printing.print_after_commit). On the write pool; announced like WriteOp."""

    def __init__(self, store: Store, fn: Callable[[TaskContext], Any], *, changes: Iterable[str],
                 initiator: object | None = None) -> None:
        kinds = frozenset(changes)
        if not kinds or kinds - KINDS:
            raise ValueError("a write operation names what it changes, from {kinds}".format(kinds=sorted(KINDS)))
        self.store, self.changes, self.initiator = store, kinds, initiator
        waiting = _waiting_for(self)

        def run(ctx: TaskContext) -> Any:
            from app.storage import wait_notice

            with wait_notice(waiting):
                return fn(ctx)

        super().__init__(run, write=True)

    def _succeeded(self, result: Any) -> None:
        try:
            super()._succeeded(result)
        finally:
            announce(self.store, self.changes, self.initiator)


class LatestReadOp(LatestRead):
    """:class:`ui.tasks.LatestRead` of ``fn(session)`` in a read operation."""

    def __init__(self, owner: QObject, store: Store, fn: Callable[[Session], Any], success: Callable[[Any], None],
                 failure: Callable[[BaseException], None]) -> None:
        super().__init__(owner, lambda: None, success, failure)
        self._store, self._read = store, fn

    def _task(self) -> Task:
        read = self._read
        return ReadOp(self._store, lambda s, _ctx: read(s))


def made_here(screen: QObject, initiator: object) -> bool:
    """Whether ``initiator`` (of a store change) is ``screen`` or something it opened (a dialog, a wizard):
    such a screen has shown its own change already and need not read again."""
    from shiboken6 import isValid

    obj = initiator if isinstance(initiator, QObject) else None
    while obj is not None and isValid(obj):
        if obj is screen:
            return True
        obj = obj.parent()
    return False


def read_now(store: Store, fn: Callable[[Session], Any]) -> Any:
    """A read where it is called: on the GUI thread only in the few places measured fast enough to need no
    worker (docs/architecture.md, "Screens and the store", lists them and their timings), or inside a task
    already on a worker (a paged table's pages). Everything else uses :class:`ReadOp`."""
    with store.read() as session:
        return fn(session)
