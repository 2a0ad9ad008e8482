"""Exchange with other tools: exports, import, the change feed and the trash endpoints."""
