from app.db import summary

SUMMARY = summary()
