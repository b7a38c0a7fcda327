"""The product's settings with the bench's URLconf (bench/bare_app.py): the bare endpoint of
bench/create_api.py is served by the same middleware, database settings and server as the product,
and never appears in the product's own URLs."""

from anju.settings import *  # noqa: F403

ROOT_URLCONF = "bare_app"

# The bare endpoint's table, made and dropped by bench/create_api.py around its run (no migration,
# no model). Kept here, not in bare_app.py, so the bench can make it without loading a URLconf.
BARE_TABLE = "bench_bare_registration"
CREATE_BARE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {BARE_TABLE} (
    id bigserial PRIMARY KEY,
    region_id varchar(20) NOT NULL,
    category varchar(40) NOT NULL,
    title varchar(100) NOT NULL,
    description text NOT NULL,
    parties jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
)"""
DROP_BARE_TABLE = f"DROP TABLE IF EXISTS {BARE_TABLE}"
