"""`make run` and `make stop` stop the embedded PostgreSQL through `stop_embedded`
(checked by hand: Ctrl-C on `make run` prints "Stopped the embedded PostgreSQL.")."""

from config.embedded_db import stop_embedded


def test_stopping_when_no_embedded_server_runs_does_nothing(tmp_path):
    assert stop_embedded(tmp_path / ".pgdata") is False

