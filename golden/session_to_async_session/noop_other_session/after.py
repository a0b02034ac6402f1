from requests import Session


def fetch(http: Session, url: str) -> int:
    return http.get(url).status_code


def close(http: Session) -> None:
    http.close()
