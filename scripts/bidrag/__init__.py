"""bidrag: Effektivitetsdelegationen's grant decisions as reviewed data, SQLite and Datasette."""
