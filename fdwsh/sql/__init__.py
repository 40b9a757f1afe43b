"""SQL statements: parsing with pglast and routing to the catalog, transactions or the planner."""
