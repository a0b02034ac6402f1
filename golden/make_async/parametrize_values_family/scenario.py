# count_named and count_fixed are stored together in a test's @pytest.mark.parametrize values and
# called through its `counter` parameter: they become async together (count_fixed has no I/O of
# its own) and the test awaits the call. Run here: the stored functions, before on a sync Session,
# after on an AsyncSession (tests/test_flows.py runs the parametrized test under pytest).
CALLS = [
    ("app.users:count_named", ("alice",)),
    ("app.users:count_fixed", ("alice",)),
]
