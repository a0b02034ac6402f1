from sqlalchemy import create_engine

DATABASE_URL = "postgresql://app@db/app"
engine = create_engine(DATABASE_URL)
print("connecting to", DATABASE_URL)
