"""The PostgreSQL (PostGIS) store: a dataset kept in a database whose imports keep the counts,
point places and GPS visits that loads read, so an app instance reads no crime row nor ping."""
