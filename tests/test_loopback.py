"""The gunicorn server that the benchmark and the load test measure."""

import urllib.request

from operations.loopback import gunicorn


def test_serves_the_project_on_loopback_and_stops_with_its_workers(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    with gunicorn(workers=2, env=env) as server:
        with urllib.request.urlopen(server.url + "/api/schema/") as response:
            assert response.status == 200
            assert b"openapi" in response.read()
        workers = server.workers()
        assert len(workers) == 2
        assert server.worker_peak_rss_mb() > 10
    assert server.process.poll() is not None
    assert server.worker_peak_rss_mb() == 0
