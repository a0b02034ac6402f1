from sqlalchemy.ext.asyncio import create_async_engine

sqlite_file = create_async_engine("sqlite+aiosqlite:///./app.db", connect_args={"check_same_thread": False})
sqlite_memory = create_async_engine("sqlite+aiosqlite://", echo=True)
pysqlite = create_async_engine(url="sqlite+aiosqlite:///x.db")
postgres = create_async_engine("postgresql+asyncpg://scott:tiger@localhost/test", pool_size=5)
psycopg2 = create_async_engine('postgresql+asyncpg://scott:tiger@localhost/test')
mysql = create_async_engine("mysql+aiomysql://scott:tiger@localhost/test")
mysqldb = create_async_engine("mysql+aiomysql://scott:tiger@localhost/test")
mssql = create_async_engine("mssql+aioodbc://scott:tiger@mydsn")
already_async = create_async_engine("postgresql+asyncpg://scott:tiger@localhost/test")
prefix = "/data"
formatted = create_async_engine(f"sqlite+aiosqlite:///{prefix}/app.db")
concatenated = create_async_engine("sqlite+aiosqlite:///" + prefix + "/app.db")
implicit = create_async_engine("postgresql+asyncpg://scott:tiger@" "localhost/test")
