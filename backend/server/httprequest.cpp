#include "server/httprequest.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QUuid>

namespace relaydesk {

QString HttpRequest::queryValue(const QString &name) const
{
    return query().queryItemValue(name, QUrl::FullyDecoded);
}

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : m_headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

bool HttpRequest::hasHeader(QByteArrayView name) const
{
    for (const auto &entry : m_headers) {
        if (entry.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QString HttpRequest::requestIdFromHeaders() const
{
    const QByteArray presented = header("X-Request-Id").trimmed();
    if (isAcceptableRequestId(presented))
        return QString::fromLatin1(presented);
    return generateRequestId();
}

bool HttpRequest::isAcceptableRequestId(QByteArrayView value)
{
    // The id is echoed into headers and log lines, so only characters that cannot break either.
    if (value.isEmpty() || value.size() > MaxRequestIdLength)
        return false;
    for (const char c : value) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':' ||
                        c == '~';
        if (!ok)
            return false;
    }
    return true;
}

QString HttpRequest::generateRequestId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool HttpRequest::isJsonContentType(QByteArrayView contentType)
{
    const QList<QByteArray> parts = contentType.toByteArray().split(';');
    const QByteArray mediaType = parts.value(0).trimmed().toLower();
    const bool json = mediaType == "application/json" ||
                      (mediaType.startsWith("application/") && mediaType.endsWith("+json") &&
                       mediaType.size() > int(sizeof("application/+json") - 1));
    if (!json)
        return false;
    // RFC 8259 §8.1: JSON between systems is UTF-8; a different declared charset means the
    // bytes are not what we would parse.
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QByteArray parameter = parts.at(i).trimmed();
        const qsizetype equals = parameter.indexOf('=');
        if (equals < 0)
            continue;
        if (parameter.left(equals).trimmed().toLower() != "charset")
            continue;
        QByteArray value = parameter.mid(equals + 1).trimmed();
        if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
            value = value.mid(1, value.size() - 2);
        value = value.toLower();
        if (value != "utf-8" && value != "utf8")
            return false;
    }
    return true;
}

int HttpRequest::jsonNestingDepth(QByteArrayView json, int limit)
{
    int depth = 0;
    int deepest = 0;
    bool inString = false;
    bool escaped = false;
    for (const char c : json) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            break;
        case '[':
        case '{':
            deepest = qMax(deepest, ++depth);
            if (deepest > limit)
                return deepest;
            break;
        case ']':
        case '}':
            if (depth > 0)
                --depth;
            break;
        default:
            break;
        }
    }
    return deepest;
}

std::optional<QJsonObject> HttpRequest::jsonObjectBody(Problem *problem) const
{
    Problem result;
    if (m_body.trimmed().isEmpty()) {
        result = Problem::badRequest(
            QStringLiteral("The request body is empty; a JSON object is required."));
    } else if (!isJsonContentType(header("Content-Type"))) {
        result = Problem::unsupportedMediaType(QStringLiteral("application/json"));
    } else if (jsonNestingDepth(m_body, MaxJsonDepth) > MaxJsonDepth) {
        // Checked before parsing: Qt's parser recurses and allows 1024 levels.
        result = Problem::jsonTooDeep(MaxJsonDepth);
    } else {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(m_body, &error);
        if (error.error != QJsonParseError::NoError)
            result = Problem::malformedJson(error, m_body);
        else if (!document.isObject())
            result = Problem::badRequest(
                QStringLiteral("The request body must be a JSON object, not %1.")
                    .arg(document.isArray() ? QStringLiteral("an array")
                                            : QStringLiteral("a scalar")));
        else
            return document.object();
    }
    if (problem)
        *problem = result;
    return std::nullopt;
}

} // namespace relaydesk
