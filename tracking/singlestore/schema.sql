-- The analytics tables as SingleStore creates them (tracking's migrations make the
-- MariaDB ones). Apply this file instead of tracking's migrations on SingleStore,
-- then `manage.py migrate tracking --fake` (docs/deployment.md, "SingleStore").
-- tests/tracking/test_singlestore_schema.py parses it with sqlglot's SingleStore
-- dialect and checks it against the models: a new column or key in a tracking
-- migration needs its line here too.
--
-- Rules (DESIGN.md, "Scale"): every table that grows with traffic is sharded by
-- site_id and every unique key holds site_id; no foreign keys; BIGINT ids.
-- Facts are append-only columnstore rows sorted by time; rollups are columnstore
-- rows sorted by their key, upserted with ON DUPLICATE KEY UPDATE n = n + VALUES(n)
-- through their unique key. Visitor state is a rowstore key/value table (point
-- reads and updates in place), salts and nothing else a reference table.

-- One row per hit (seq 0) or correction (seq > 0). The MariaDB table is clustered
-- by (site_id, sample, ts, hit_id, seq); here the sort key orders segments by time
-- (segment elimination on ranges) and the hash key on site_id finds a site's rows.
CREATE TABLE tracking_fact (
  site_id BIGINT NOT NULL,
  hit_id VARCHAR(32) NOT NULL,
  visitor VARCHAR(32) NOT NULL DEFAULT '',
  sample SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  seq SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  kind SMALLINT UNSIGNED NOT NULL,
  ts DATETIME(6) NOT NULL,
  local_date DATE NOT NULL,
  hostname VARCHAR(253) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  pathname VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  referrer_host VARCHAR(253) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  referrer_path VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  source VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  channel VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  utm_source VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  utm_medium VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  utm_campaign VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  utm_content VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  utm_term VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  country VARCHAR(2) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  browser VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  os VARCHAR(50) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  device VARCHAR(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  event_name VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  pageviews INT NOT NULL DEFAULT 0,
  visits INT NOT NULL DEFAULT 0,
  uniques INT NOT NULL DEFAULT 0,
  page_uniques INT NOT NULL DEFAULT 0,
  bounces INT NOT NULL DEFAULT 0,
  duration BIGINT NOT NULL DEFAULT 0,
  exits INT NOT NULL DEFAULT 0,
  completions INT NOT NULL DEFAULT 0,
  unique_completions INT NOT NULL DEFAULT 0,
  value BIGINT NOT NULL DEFAULT 0,
  scroll_depth BIGINT NOT NULL DEFAULT 0,
  scroll_views INT NOT NULL DEFAULT 0,
  UNIQUE KEY fact_hit_once (site_id, hit_id, seq) USING HASH,
  KEY fact_site (site_id) USING HASH,
  SHARD KEY (site_id),
  SORT KEY (ts, site_id)
);

-- Rollups: one row per (site, period, dimension, value). page_rank and views_rank are computed and
-- persisted (SingleStore has no virtual generated columns).
CREATE TABLE tracking_dailyrollup (
  site_id BIGINT NOT NULL,
  dimension SMALLINT UNSIGNED NOT NULL,
  day DATE NOT NULL,
  dim_value VARCHAR(760) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  pageviews INT NOT NULL DEFAULT 0,
  visits INT NOT NULL DEFAULT 0,
  uniques INT NOT NULL DEFAULT 0,
  page_uniques INT NOT NULL DEFAULT 0,
  bounces INT NOT NULL DEFAULT 0,
  duration BIGINT NOT NULL DEFAULT 0,
  exits INT NOT NULL DEFAULT 0,
  completions INT NOT NULL DEFAULT 0,
  unique_completions INT NOT NULL DEFAULT 0,
  value BIGINT NOT NULL DEFAULT 0,
  scroll_depth BIGINT NOT NULL DEFAULT 0,
  scroll_views INT NOT NULL DEFAULT 0,
  page_rank AS (CASE WHEN dimension = 2 THEN page_uniques ELSE NULL END) PERSISTED INT,
  views_rank AS (CASE WHEN dimension = 2 THEN pageviews ELSE NULL END) PERSISTED INT,
  UNIQUE KEY daily_key (site_id, dimension, day, dim_value) USING HASH,
  SHARD KEY (site_id),
  SORT KEY (site_id, dimension, day)
);

CREATE TABLE tracking_weeklyrollup (
  site_id BIGINT NOT NULL,
  dimension SMALLINT UNSIGNED NOT NULL,
  week DATE NOT NULL,
  dim_value VARCHAR(760) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  pageviews INT NOT NULL DEFAULT 0,
  visits INT NOT NULL DEFAULT 0,
  uniques INT NOT NULL DEFAULT 0,
  page_uniques INT NOT NULL DEFAULT 0,
  bounces INT NOT NULL DEFAULT 0,
  duration BIGINT NOT NULL DEFAULT 0,
  exits INT NOT NULL DEFAULT 0,
  completions INT NOT NULL DEFAULT 0,
  unique_completions INT NOT NULL DEFAULT 0,
  value BIGINT NOT NULL DEFAULT 0,
  scroll_depth BIGINT NOT NULL DEFAULT 0,
  scroll_views INT NOT NULL DEFAULT 0,
  page_rank AS (CASE WHEN dimension = 2 THEN page_uniques ELSE NULL END) PERSISTED INT,
  views_rank AS (CASE WHEN dimension = 2 THEN pageviews ELSE NULL END) PERSISTED INT,
  UNIQUE KEY weekly_key (site_id, dimension, week, dim_value) USING HASH,
  SHARD KEY (site_id),
  SORT KEY (site_id, dimension, week)
);

CREATE TABLE tracking_monthlyrollup (
  site_id BIGINT NOT NULL,
  dimension SMALLINT UNSIGNED NOT NULL,
  month DATE NOT NULL,
  dim_value VARCHAR(760) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  pageviews INT NOT NULL DEFAULT 0,
  visits INT NOT NULL DEFAULT 0,
  uniques INT NOT NULL DEFAULT 0,
  page_uniques INT NOT NULL DEFAULT 0,
  bounces INT NOT NULL DEFAULT 0,
  duration BIGINT NOT NULL DEFAULT 0,
  exits INT NOT NULL DEFAULT 0,
  completions INT NOT NULL DEFAULT 0,
  unique_completions INT NOT NULL DEFAULT 0,
  value BIGINT NOT NULL DEFAULT 0,
  scroll_depth BIGINT NOT NULL DEFAULT 0,
  scroll_views INT NOT NULL DEFAULT 0,
  page_rank AS (CASE WHEN dimension = 2 THEN page_uniques ELSE NULL END) PERSISTED INT,
  views_rank AS (CASE WHEN dimension = 2 THEN pageviews ELSE NULL END) PERSISTED INT,
  UNIQUE KEY monthly_key (site_id, dimension, month, dim_value) USING HASH,
  SHARD KEY (site_id),
  SORT KEY (site_id, dimension, month)
);

CREATE TABLE tracking_hourlytotal (
  site_id BIGINT NOT NULL,
  hour DATETIME(6) NOT NULL,
  pageviews INT NOT NULL DEFAULT 0,
  visits INT NOT NULL DEFAULT 0,
  uniques INT NOT NULL DEFAULT 0,
  page_uniques INT NOT NULL DEFAULT 0,
  bounces INT NOT NULL DEFAULT 0,
  duration BIGINT NOT NULL DEFAULT 0,
  exits INT NOT NULL DEFAULT 0,
  completions INT NOT NULL DEFAULT 0,
  unique_completions INT NOT NULL DEFAULT 0,
  value BIGINT NOT NULL DEFAULT 0,
  scroll_depth BIGINT NOT NULL DEFAULT 0,
  scroll_views INT NOT NULL DEFAULT 0,
  UNIQUE KEY hourly_key (site_id, hour) USING HASH,
  SHARD KEY (site_id),
  SORT KEY (hour, site_id)
);

-- One row per property of an event hit (tracking.models.EventProperty), written with
-- the event's fact and read like the facts: append-only columnstore sorted by time.
CREATE TABLE tracking_eventproperty (
  site_id BIGINT NOT NULL,
  hit_id VARCHAR(32) NOT NULL,
  ts DATETIME(6) NOT NULL,
  local_date DATE NOT NULL,
  visitor VARCHAR(32) NOT NULL DEFAULT '',
  event_name VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  prop_key VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  prop_value VARCHAR(256) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  value BIGINT NOT NULL DEFAULT 0,
  UNIQUE KEY event_property_once (site_id, hit_id, prop_key) USING HASH,
  SHARD KEY (site_id),
  SORT KEY (ts, site_id)
);

-- Hits dropped by a site's shields per local day and reason: a few rows per site
-- and day, upserted by each web process's directory thread.
CREATE ROWSTORE TABLE tracking_shielddrop (
  site_id BIGINT NOT NULL,
  day DATE NOT NULL,
  reason VARCHAR(10) NOT NULL,
  hits BIGINT NOT NULL,
  PRIMARY KEY (site_id, day, reason),
  SHARD KEY (site_id)
);

-- Weeks and months whose weekly and monthly rows lag the daily ones: a few rows
-- per active site, upserted by every batch, deleted by the rollup deriver.
CREATE ROWSTORE TABLE tracking_pendingrollup (
  site_id BIGINT NOT NULL,
  grain VARCHAR(5) NOT NULL,
  period DATE NOT NULL,
  token BIGINT NOT NULL,
  PRIMARY KEY (site_id, grain, period),
  SHARD KEY (site_id)
);

-- Key/value state of a visitor: read and rewritten by every hit, so rowstore.
CREATE ROWSTORE TABLE tracking_visitorstate (
  site_id BIGINT NOT NULL,
  visitor VARCHAR(32) NOT NULL,
  last_seen DATETIME(6) NULL,
  expires DATETIME(6) NOT NULL,
  state JSON NOT NULL,
  PRIMARY KEY (site_id, visitor),
  KEY visitor_expires (expires),
  KEY visitor_live (site_id, last_seen),
  SHARD KEY (site_id)
);

-- A handful of rows (today's and yesterday's salt), read by every web process.
CREATE ROWSTORE REFERENCE TABLE tracking_salt (
  id BIGINT NOT NULL AUTO_INCREMENT,
  day DATE NOT NULL,
  secret VARCHAR(64) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY tracking_salt_day (day)
);

-- django-mysql's MySQLCache (tracking 0002): throttles and key/value lookups.
CREATE ROWSTORE TABLE analytics_cache (
  cache_key VARCHAR(255) CHARACTER SET utf8 COLLATE utf8_bin NOT NULL,
  value LONGBLOB NOT NULL,
  value_type CHAR(1) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL DEFAULT 'p',
  expires BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (cache_key),
  SHARD KEY (cache_key)
);
