#pragma once

#include <QString>
#include <QStringList>
#include <optional>
#include <utility>

namespace relaydesk {

// What went wrong, in terms a caller can map to a response (the HTTP layer maps these to status
// codes; the console shows the message).
enum class ErrorKind { None, Invalid, NotFound, Conflict, Unavailable, Internal };

struct FieldError {
    QString field;
    QString message;
};

struct Error {
    ErrorKind kind = ErrorKind::None;
    QString message;
    QList<FieldError> fields;
    // Seconds after which a retry may succeed (backpressure, database outage); 0 when unknown.
    int retryAfterSeconds = 0;
};

// The result of an engine or storage operation: a value or an error, never both.
template <typename T> class Outcome
{
public:
    Outcome() = default;
    Outcome(T value) : m_value(std::move(value)) {}
    Outcome(Error error) : m_error(std::move(error)) {}

    static Outcome failure(ErrorKind kind, QString message)
    {
        return Outcome(Error{kind, std::move(message), {}, 0});
    }

    bool isOk() const { return m_value.has_value(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error{ErrorKind::Internal, QStringLiteral("no result"), {}, 0};
};

struct Done {};

} // namespace relaydesk
