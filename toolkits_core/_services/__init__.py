"""The services that run initiatives through a toolkit and keep their records."""
