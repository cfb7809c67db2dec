-- The API key a runner was registered with: that key may act as the runner (DIALECTS.md, API keys).
-- A deleted key leaves the id behind, matching no key, so nothing can act through it.
ALTER TABLE runners ADD COLUMN registered_with_key UUID;
