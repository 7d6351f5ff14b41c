# GD Station Cloud: `make demo` runs the system, `make test` tests it.
.PHONY: demo test setup clean

PORT ?= 8000

demo:
	@scripts/bootstrap.sh run
	@.venv/bin/gdcloud demo --port $(PORT)

test:
	@scripts/test.sh

setup:
	@scripts/bootstrap.sh test

clean:
	rm -rf var test-artifacts node_modules .venv
