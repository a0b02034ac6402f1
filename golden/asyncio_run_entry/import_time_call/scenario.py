# Imported where no event loop runs, as pytest imports a conftest: the first call adds a user, the
# later ones find five.
IMPORT = "tests.conftest:SUMMARY"
DATABASE = "app.db"
