"""DB_ENGINE=singlestore: the MySQL backend with the changes SingleStore needs.

No SingleStore server runs here: the backend is built on the settings of the
test database, and what it would send is read with sqlglot's dialect.
"""

import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.db import connection

from analytics_site.singlestore.base import DatabaseWrapper
from tests.support import singlestore as s


@pytest.fixture
def singlestore_wrapper(db):
    settings_dict = {**connection.settings_dict, "ENGINE": "analytics_site.singlestore"}
    wrapper = DatabaseWrapper(settings_dict, alias="singlestore-check")
    yield wrapper
    wrapper.close()


def test_the_settings_choose_the_backend_and_leave_the_time_zone_alone():
    code = (
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE']); print(d['OPTIONS']['init_command'])"
    )
    env = {
        **os.environ,
        "DB_ENGINE": "singlestore",
        "DJANGO_SETTINGS_MODULE": "analytics_site.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out == ["analytics_site.singlestore", "SET sql_mode='STRICT_TRANS_TABLES'"]


def test_the_backend_makes_no_savepoints_and_no_foreign_keys(singlestore_wrapper):
    features = singlestore_wrapper.features
    assert not features.uses_savepoints
    assert not features.supports_foreign_keys
    assert singlestore_wrapper.get_database_version() >= features.minimum_database_version


@pytest.mark.parametrize("model", ["accounts.Membership", "accounts.Site", "billing.Subscription"])
def test_product_tables_are_reference_tables_without_foreign_keys(singlestore_wrapper, model):
    try:
        model_class = apps.get_model(model)
    except LookupError:
        pytest.skip(f"{model} is not a model here")
    with singlestore_wrapper.schema_editor(collect_sql=True) as editor:
        sql, _ = editor.table_sql(model_class)
        editor.create_model(model_class)
    assert sql.startswith("CREATE ROWSTORE REFERENCE TABLE ")
    (table,) = s.read_create_tables(sql).values()
    assert table.reference and table.foreign_keys == 0
    assert not any("FOREIGN KEY" in statement for statement in editor.collected_sql)


def test_tracking_tables_are_never_made_by_migrations_on_singlestore(singlestore_wrapper):
    with (
        singlestore_wrapper.schema_editor(collect_sql=True) as editor,
        pytest.raises(RuntimeError, match="schema.sql"),
    ):
        editor.table_sql(apps.get_model("tracking.Fact"))
