import datetime

from django.utils import timezone

from portal import hooks
from portal.hooks import Todo


def test_leader_todos_come_earliest_deadline_first_undated_last(monkeypatch):
    soon = timezone.now() + datetime.timedelta(days=1)
    later = timezone.localdate() + datetime.timedelta(days=5)
    monkeypatch.setattr(
        hooks,
        "_leader_todo_sources",
        [
            lambda user, partnership: [Todo("undated", "/a/", "go")],
            lambda user, partnership: [Todo("later", "/b/", "go", later)],
            lambda user, partnership: [Todo("soon", "/c/", "go", soon)],
        ],
    )
    assert [t.text for t in hooks.leader_todos(None, None)] == ["soon", "later", "undated"]
