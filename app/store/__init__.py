"""Store: tables, annotation -> rows, entity linking and link resolution across articles, migrations."""
