"""The web's gunicorn settings: which requests get an access log line."""

import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from analytics_site.collector_first import COLLECTOR_PATHS

CONF_PATH = Path(__file__).resolve().parents[2] / "analytics_site/gunicorn.conf.py"


@pytest.fixture(scope="module")
def conf(tmp_path_factory) -> dict:
    """The settings file as gunicorn reads it, without the metrics directory it would
    otherwise set for the whole test session (prometheus_client reads that variable)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path_factory.mktemp("metrics")))
        return runpy.run_path(str(CONF_PATH))


@pytest.fixture
def access_lines(caplog, conf):
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("access_log_format", conf["access_log_format"])
    access_logger = conf["AccessLogger"](cfg)
    access_logger.access_log.propagate = True  # into caplog

    def log(path: str, status: int) -> list[str]:
        caplog.clear()
        request = SimpleNamespace(
            path=path, method="POST", uri=path, query="", version=(1, 1), headers=[]
        )
        response = SimpleNamespace(status=f"{status} X", status_code=status, sent=0, headers=[])
        environ = {"REQUEST_METHOD": "POST", "RAW_URI": path, "SERVER_PROTOCOL": "HTTP/1.1"}
        with caplog.at_level(logging.INFO, logger="gunicorn.access"):
            access_logger.access(response, request, environ, SimpleNamespace(seconds=0,
                                 microseconds=1000))  # fmt: skip
        return [r.getMessage() for r in caplog.records if r.name == "gunicorn.access"]

    return log


def test_the_conf_knows_every_collector_path(conf):
    assert set(conf["COLLECTOR_PATHS"]) == set(COLLECTOR_PATHS)


def test_the_web_logs_access_through_its_own_logger(conf):
    assert conf["logger_class"] is conf["AccessLogger"]


def test_an_accepted_hit_writes_no_access_line(access_lines):
    assert access_lines("/api/event", 202) == []


def test_a_refused_hit_writes_its_access_line(access_lines):
    assert access_lines("/api/event", 400) == ['"POST /api/event HTTP/1.1" 400 0 1ms']


def test_a_hit_refused_for_a_missing_queue_writes_its_access_line(access_lines):
    assert len(access_lines("/api/event", 503)) == 1


def test_any_other_request_writes_its_access_line(access_lines):
    assert access_lines("/dashboard/", 200) == ['"POST /dashboard/ HTTP/1.1" 200 0 1ms']
