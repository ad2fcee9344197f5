#pragma once

#include <QByteArray>
#include <QLoggingCategory>
#include <QString>

#include <functional>

namespace relaydesk {

Q_DECLARE_LOGGING_CATEGORY(lcEngine)
Q_DECLARE_LOGGING_CATEGORY(lcStorage)
Q_DECLARE_LOGGING_CATEGORY(lcServer)
Q_DECLARE_LOGGING_CATEGORY(lcChannels)
Q_DECLARE_LOGGING_CATEGORY(lcAi)
Q_DECLARE_LOGGING_CATEGORY(lcApp)
Q_DECLARE_LOGGING_CATEGORY(lcUi)

// Structured logging: every Qt message becomes one compact JSON object per line on stderr,
//   {"ts":"2024-05-01T12:00:00.123Z","level":"info","category":"relaydesk.engine",
//    "msg":"...","request_id":"..."}
// with PII and secrets masked. qCritical maps to "error" and qFatal to "critical".
class Logger {
public:
    // Tags every message logged on this thread while it lives; scopes nest. The id is
    // thread-local, so a coroutine that resumes on another thread must open a new scope there.
    class RequestScope {
    public:
        explicit RequestScope(const QString &requestId);
        ~RequestScope();
        RequestScope(const RequestScope &) = delete;
        RequestScope &operator=(const RequestScope &) = delete;

    private:
        QString m_previous;
    };

    // Installs the JSON message handler and the category filter for `level` (debug, info,
    // warning or error; "warn" is accepted; empty means info). An unknown level falls back to
    // info, logs a warning and returns false. Safe to call again to change the level.
    static bool install(const QString &level);

    static QString currentRequestId();

    // Masks phone numbers, e-mail addresses, URL passwords, bearer/basic credentials, API keys
    // and values of token/key/secret/password fields. Usable on anything headed for a log.
    static QString mask(const QString &text);

    // Every line (without the trailing newline) goes to `sink` instead of stderr; an empty
    // function restores stderr.
    static void setSinkForTesting(std::function<void(const QByteArray &line)> sink);

private:
    static void handleMessage(QtMsgType type, const QMessageLogContext &context,
                              const QString &message);
    static QByteArray formatLine(QtMsgType type, const char *category, const QString &message);
    static void write(const QByteArray &line);
};

} // namespace relaydesk
