pytest_plugins = "shop.testing.fixtures"
