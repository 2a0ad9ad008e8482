"""The shared API machinery: the viewset base, pagination, schema, filters, throttles, renderers."""
