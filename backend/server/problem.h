#pragma once

#include "core/outcome.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <utility>

class QJsonParseError;

namespace relaydesk {

// Extra response headers, in the order they are written.
using HttpHeaderList = QList<std::pair<QByteArray, QByteArray>>;

// An RFC 9457 problem detail, served as application/problem+json. Problems without specific
// semantics keep type "about:blank" and use the HTTP reason phrase as title (RFC 9457 §4.2.1);
// the ones a client may branch on get a stable https://relaydesk.dev/problems/<slug> type.
// A problem can carry response headers that belong to it (Allow, WWW-Authenticate,
// Retry-After) so whoever sends it cannot forget them.
class Problem
{
public:
    static constexpr const char *ContentType = "application/problem+json";

    Problem() = default;
    Problem(int status, const QString &title, const QString &detail = {}, const QString &slug = {});

    QString type() const { return m_type; }
    QString title() const { return m_title; }
    int status() const { return m_status; }
    QString detail() const { return m_detail; }
    QString instance() const { return m_instance; }
    QJsonObject extensions() const { return m_extensions; }
    HttpHeaderList headers() const { return m_headers; }

    void setType(const QString &type) { m_type = type; }
    void setSlug(const QString &slug);
    void setTitle(const QString &title) { m_title = title; }
    void setDetail(const QString &detail) { m_detail = detail; }
    void setInstance(const QString &instance) { m_instance = instance; }
    // Members named like the standard ones are refused so an extension cannot overwrite them.
    void setExtension(const QString &name, const QJsonValue &value);
    void addHeader(const QByteArray &name, const QByteArray &value);

    QJsonObject toJson() const;

    static QString typeForSlug(const QString &slug);
    static QString reasonPhrase(int status);

    // Maps an engine/storage error to the response a client should see.
    static Problem fromError(const Error &error);

    static Problem badRequest(const QString &detail);
    static Problem malformedJson(const QJsonParseError &error, const QByteArray &body);
    static Problem jsonTooDeep(int maxDepth);
    static Problem payloadTooLarge(qint64 limitBytes);
    static Problem unsupportedMediaType(const QString &expected);
    static Problem unprocessable(const QList<FieldError> &errors, const QString &detail = {});
    static Problem notFound(const QString &detail = {});
    static Problem methodNotAllowed(const QStringList &allowedMethods);
    static Problem unauthorized(const QString &detail, bool invalidToken);
    static Problem conflict(const QString &detail);
    static Problem tooManyRequests(int retryAfterSeconds, const QString &detail = {});
    static Problem serviceUnavailable(int retryAfterSeconds, const QString &detail = {});
    static Problem internal(const QString &detail = {});

private:
    QString m_type = QStringLiteral("about:blank");
    QString m_title = QStringLiteral("Internal Server Error");
    int m_status = 500;
    QString m_detail;
    QString m_instance;
    QJsonObject m_extensions;
    HttpHeaderList m_headers;
};

} // namespace relaydesk
