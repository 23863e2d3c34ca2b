"""Django's MySQL backend, with what SingleStore needs (ENGINE "analytics_site.singlestore").

Why not the official django-singlestore backend: its releases follow
Django's (5.0.x for Django 5.0; none for 5.2, the LTS this product runs on),
it predates the composite primary keys the analytics models use, it asks
for USE_TZ=False (the product stores aware UTC times), and it brings its own
driver. SingleStore speaks the MySQL protocol, so mysqlclient and Django's
MySQL backend work, given these changes:

- no savepoints (SingleStore has none): a nested atomic block joins the
  outer transaction; an error inside it rolls the whole transaction back;
- no foreign key constraints in DDL (SingleStore does not enforce them);
- the tables Django's migrations create are rowstore reference tables
  (accounts, billing, auth, sessions...: small, with unique keys on any
  column), except tracking's, which come from tracking/singlestore/schema.sql
  (sharded by site_id, columnstore facts and rollups) and are never made
  by migrations here (docs/deployment.md, "SingleStore");
- SingleStore reports a MySQL version of its own choosing: the server is
  taken as MySQL 8.0 for Django's feature checks.

Not run against a SingleStore cluster on this machine (there is none);
tests/test_singlestore.py checks the SQL and schema with sqlglot's dialect.
"""

from django.db.backends.mysql import base, features, schema

REFERENCE_TABLE = "CREATE ROWSTORE REFERENCE TABLE"
SHARDED_APPS = {"tracking"}  # their tables come from tracking/singlestore/schema.sql


class DatabaseFeatures(features.DatabaseFeatures):
    uses_savepoints = False
    can_release_savepoints = False
    supports_foreign_keys = False
    can_introspect_foreign_keys = False
    minimum_database_version = (8, 0, 11)


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def table_sql(self, model):
        sql, params = super().table_sql(model)
        if model._meta.app_label in SHARDED_APPS:
            raise RuntimeError(
                f"{model._meta.db_table} is created by tracking/singlestore/schema.sql on "
                "SingleStore: apply it, then `manage.py migrate tracking --fake`"
            )
        assert sql.startswith("CREATE TABLE ")
        return REFERENCE_TABLE + sql[len("CREATE TABLE") :], params


class DatabaseWrapper(base.DatabaseWrapper):
    vendor = "mysql"  # Django's MySQL SQL compiler and operations, unchanged
    display_name = "SingleStore"
    features_class = DatabaseFeatures
    SchemaEditorClass = DatabaseSchemaEditor

    def get_database_version(self):
        return (8, 0, 32)

    @property
    def mysql_is_mariadb(self) -> bool:
        return False
