"""Errors that carry the HTTP status the API answers with."""


class ApiError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(what):
    return ApiError(404, f"{what} not found")


def bad_request(message):
    return ApiError(400, message)
