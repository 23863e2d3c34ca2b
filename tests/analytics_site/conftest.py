from tests.support.fake_sqs import fake_sqs  # noqa: F401
