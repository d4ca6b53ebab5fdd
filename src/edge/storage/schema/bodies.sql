-- Bodies live apart, so listing never reads them and one body may use a
-- whole 2 MB row.
CREATE TABLE IF NOT EXISTS bodies (
  seq INTEGER PRIMARY KEY,
  body BLOB NOT NULL
)
