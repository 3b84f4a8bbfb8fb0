"""What runs in the background: the worker, outbox sending and its lanes, the scheduler and its jobs."""
