"""The collector tests' fixtures (an empty real SQS queue, a loaded directory), shared."""

from tests.tracking.test_collector import _queues, collector, queue  # noqa: F401
