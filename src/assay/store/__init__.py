"""Records on disk: schema-versioned JSON, sorted keys, NaN forbidden."""
