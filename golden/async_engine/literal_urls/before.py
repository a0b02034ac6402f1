from sqlalchemy import create_engine

sqlite_file = create_engine("sqlite:///./app.db", connect_args={"check_same_thread": False})
sqlite_memory = create_engine("sqlite://", echo=True)
pysqlite = create_engine(url="sqlite+pysqlite:///x.db")
postgres = create_engine("postgresql://scott:tiger@localhost/test", pool_size=5)
psycopg2 = create_engine('postgresql+psycopg2://scott:tiger@localhost/test')
mysql = create_engine("mysql+pymysql://scott:tiger@localhost/test")
mysqldb = create_engine("mysql://scott:tiger@localhost/test")
mssql = create_engine("mssql+pyodbc://scott:tiger@mydsn")
already_async = create_engine("postgresql+asyncpg://scott:tiger@localhost/test")
prefix = "/data"
formatted = create_engine(f"sqlite:///{prefix}/app.db")
concatenated = create_engine("sqlite:///" + prefix + "/app.db")
implicit = create_engine("postgresql://scott:tiger@" "localhost/test")
