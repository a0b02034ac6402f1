from sqlalchemy import create_engine, text

engine = create_engine("sqlite:///./app.db")


def ping():
    with engine.connect() as conn:
        return conn.execute(text("SELECT 1")).scalar_one()


def bump(user_id):
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET age = age + 1 WHERE id = :id"), {"id": user_id})


def manual(user_id):
    with engine.connect() as conn:
        with conn.begin():
            conn.execute(text("DELETE FROM users WHERE id = :id"), {"id": user_id})
        conn.commit()


def shutdown():
    engine.dispose()
