#pragma once

#include "server/problem.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QString>
#include <QUrl>
#include <QUrlQuery>
#include <optional>

namespace relaydesk {

// A request as handlers see it: a value copied out of QHttpServerRequest, which Qt reuses for
// the next request on the same connection while our answer may still be pending.
class HttpRequest
{
public:
    static constexpr int MaxJsonDepth = 32;
    static constexpr int MaxRequestIdLength = 128;

    HttpRequest() = default;

    QByteArray method() const { return m_method; }
    QUrl url() const { return m_url; }
    // Percent-decoded path, for logs and display. Routing works on the encoded form so that
    // %2F inside an id does not split a segment.
    QString path() const { return m_url.path(); }
    QString encodedPath() const { return m_url.path(QUrl::FullyEncoded); }
    QUrlQuery query() const { return QUrlQuery(m_url); }
    QString queryValue(const QString &name) const;
    HttpHeaderList headers() const { return m_headers; }
    // Case-insensitive; the first occurrence wins.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;
    QByteArray body() const { return m_body; }
    QHostAddress remoteAddress() const { return m_remoteAddress; }
    QString pathParam(const QString &name) const { return m_pathParams.value(name); }
    QHash<QString, QString> pathParams() const { return m_pathParams; }
    // The matched route pattern ("/api/v1/conversations/{id}"): a bounded label for metrics,
    // unlike the raw path. Empty when no route matched.
    QString routePattern() const { return m_routePattern; }
    QString requestId() const { return m_requestId; }
    // Which API token authenticated the request (ApiTokenStore::tokenId); empty on public paths.
    QString tokenId() const { return m_tokenId; }

    void setMethod(const QByteArray &method) { m_method = method; }
    void setUrl(const QUrl &url) { m_url = url; }
    void setHeaders(const HttpHeaderList &headers) { m_headers = headers; }
    void setBody(const QByteArray &body) { m_body = body; }
    void setRemoteAddress(const QHostAddress &address) { m_remoteAddress = address; }
    void setPathParams(const QHash<QString, QString> &params) { m_pathParams = params; }
    void setRoutePattern(const QString &pattern) { m_routePattern = pattern; }
    void setRequestId(const QString &requestId) { m_requestId = requestId; }
    void setTokenId(const QString &tokenId) { m_tokenId = tokenId; }

    // The client's X-Request-Id when it is a sane token, else a fresh one.
    QString requestIdFromHeaders() const;
    static bool isAcceptableRequestId(QByteArrayView value);
    static QString generateRequestId();

    // The body as a JSON object, or nullopt with *problem set to what to answer: 400 for an
    // empty body, malformed JSON (with position), nesting deeper than MaxJsonDepth or a
    // non-object top level; 415 when the body is not declared application/json or
    // application/*+json (UTF-8).
    std::optional<QJsonObject> jsonObjectBody(Problem *problem) const;

    static bool isJsonContentType(QByteArrayView contentType);
    // Deepest array/object nesting in a JSON text, stopping early once past limit. Strings are
    // skipped so brackets inside them do not count.
    static int jsonNestingDepth(QByteArrayView json, int limit);

private:
    QByteArray m_method;
    QUrl m_url;
    HttpHeaderList m_headers;
    QByteArray m_body;
    QHostAddress m_remoteAddress;
    QHash<QString, QString> m_pathParams;
    QString m_routePattern;
    QString m_requestId;
    QString m_tokenId;
};

} // namespace relaydesk
