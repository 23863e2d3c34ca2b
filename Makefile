.PHONY: run test lint bench

run:  ## set up and run web + worker + queue with a demo site
	./scripts/run.sh

test:  ## set up and run every test
	./scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

bench:
	.venv/bin/python bench/ingest.py
