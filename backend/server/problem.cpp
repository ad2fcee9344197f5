#include "server/problem.h"

#include <QJsonArray>
#include <QJsonParseError>

namespace relaydesk {

namespace {

const QString ProblemTypeBase = QStringLiteral("https://relaydesk.dev/problems/");

bool isReservedMember(const QString &name)
{
    return name == QLatin1String("type") || name == QLatin1String("title") ||
           name == QLatin1String("status") || name == QLatin1String("detail") ||
           name == QLatin1String("instance");
}

Problem withRetryAfter(Problem problem, int retryAfterSeconds)
{
    if (retryAfterSeconds > 0) {
        problem.setExtension(QStringLiteral("retry_after"), retryAfterSeconds);
        problem.addHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(retryAfterSeconds));
    }
    return problem;
}

} // namespace

Problem::Problem(int status, const QString &title, const QString &detail, const QString &slug)
    : m_title(title.isEmpty() ? reasonPhrase(status) : title)
    , m_status(status)
    , m_detail(detail)
{
    if (!slug.isEmpty())
        setSlug(slug);
}

void Problem::setSlug(const QString &slug)
{
    m_type = typeForSlug(slug);
}

void Problem::setExtension(const QString &name, const QJsonValue &value)
{
    if (name.isEmpty() || isReservedMember(name)) {
        qWarning("Problem: refusing extension member '%ls'", qUtf16Printable(name));
        return;
    }
    m_extensions.insert(name, value);
}

void Problem::addHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append({name, value});
}

QJsonObject Problem::toJson() const
{
    QJsonObject json = m_extensions;
    json.insert(QStringLiteral("type"), m_type);
    json.insert(QStringLiteral("title"), m_title);
    json.insert(QStringLiteral("status"), m_status);
    if (!m_detail.isEmpty())
        json.insert(QStringLiteral("detail"), m_detail);
    if (!m_instance.isEmpty())
        json.insert(QStringLiteral("instance"), m_instance);
    return json;
}

QString Problem::typeForSlug(const QString &slug)
{
    return ProblemTypeBase + slug;
}

QString Problem::reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return QStringLiteral("Bad Request");
    case 401:
        return QStringLiteral("Unauthorized");
    case 403:
        return QStringLiteral("Forbidden");
    case 404:
        return QStringLiteral("Not Found");
    case 405:
        return QStringLiteral("Method Not Allowed");
    case 406:
        return QStringLiteral("Not Acceptable");
    case 408:
        return QStringLiteral("Request Timeout");
    case 409:
        return QStringLiteral("Conflict");
    case 410:
        return QStringLiteral("Gone");
    case 411:
        return QStringLiteral("Length Required");
    case 412:
        return QStringLiteral("Precondition Failed");
    case 413:
        return QStringLiteral("Content Too Large");
    case 414:
        return QStringLiteral("URI Too Long");
    case 415:
        return QStringLiteral("Unsupported Media Type");
    case 422:
        return QStringLiteral("Unprocessable Content");
    case 428:
        return QStringLiteral("Precondition Required");
    case 429:
        return QStringLiteral("Too Many Requests");
    case 431:
        return QStringLiteral("Request Header Fields Too Large");
    case 500:
        return QStringLiteral("Internal Server Error");
    case 501:
        return QStringLiteral("Not Implemented");
    case 502:
        return QStringLiteral("Bad Gateway");
    case 503:
        return QStringLiteral("Service Unavailable");
    case 504:
        return QStringLiteral("Gateway Timeout");
    default:
        return status >= 500 ? QStringLiteral("Server Error") : QStringLiteral("Client Error");
    }
}

Problem Problem::fromError(const Error &error)
{
    switch (error.kind) {
    case ErrorKind::Invalid:
        if (!error.fields.isEmpty())
            return unprocessable(error.fields, error.message);
        return badRequest(error.message);
    case ErrorKind::NotFound:
        return notFound(error.message);
    case ErrorKind::Conflict:
        return conflict(error.message);
    case ErrorKind::Unavailable:
        return serviceUnavailable(error.retryAfterSeconds, error.message);
    case ErrorKind::None:
    case ErrorKind::Internal:
        break;
    }
    // Internal messages can name tables or file paths; clients get a generic text and the
    // request id, the log keeps the rest.
    return internal();
}

Problem Problem::badRequest(const QString &detail)
{
    return Problem(400, {}, detail);
}

Problem Problem::malformedJson(const QJsonParseError &error, const QByteArray &body)
{
    // Line and column make the mistake findable in a hand-written request; the byte offset is
    // what tools report.
    const qsizetype offset = qBound(qsizetype(0), qsizetype(error.offset), body.size());
    int line = 1;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < offset; ++i) {
        if (body.at(i) == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    const qsizetype column = offset - lineStart + 1;
    Problem problem(400, QStringLiteral("Malformed JSON"),
                    QStringLiteral("The request body is not valid JSON: %1 at line %2, column %3 "
                                   "(byte offset %4).")
                        .arg(error.errorString())
                        .arg(line)
                        .arg(column)
                        .arg(offset),
                    QStringLiteral("malformed-json"));
    problem.setExtension(QStringLiteral("offset"), qint64(offset));
    problem.setExtension(QStringLiteral("line"), line);
    problem.setExtension(QStringLiteral("column"), qint64(column));
    return problem;
}

Problem Problem::jsonTooDeep(int maxDepth)
{
    Problem problem(
        400, QStringLiteral("JSON nested too deeply"),
        QStringLiteral("The request body nests arrays and objects deeper than %1 levels.")
            .arg(maxDepth),
        QStringLiteral("json-too-deep"));
    problem.setExtension(QStringLiteral("max_depth"), maxDepth);
    return problem;
}

Problem Problem::payloadTooLarge(qint64 limitBytes)
{
    Problem problem(
        413, QStringLiteral("Payload too large"),
        QStringLiteral("The request body exceeds the limit of %1 bytes.").arg(limitBytes),
        QStringLiteral("payload-too-large"));
    problem.setExtension(QStringLiteral("max_bytes"), limitBytes);
    return problem;
}

Problem Problem::unsupportedMediaType(const QString &expected)
{
    Problem problem(415, QStringLiteral("Unsupported media type"),
                    QStringLiteral("The request body must be sent as %1.").arg(expected),
                    QStringLiteral("unsupported-media-type"));
    problem.setExtension(QStringLiteral("expected"), expected);
    return problem;
}

Problem Problem::unprocessable(const QList<FieldError> &errors, const QString &detail)
{
    Problem problem(422, QStringLiteral("Validation failed"),
                    detail.isEmpty() ? QStringLiteral("The request has invalid fields.") : detail,
                    QStringLiteral("validation-failed"));
    QJsonArray list;
    for (const FieldError &error : errors) {
        list.append(QJsonObject{{QStringLiteral("field"), error.field},
                                {QStringLiteral("message"), error.message}});
    }
    problem.setExtension(QStringLiteral("errors"), list);
    return problem;
}

Problem Problem::notFound(const QString &detail)
{
    return Problem(404, {}, detail);
}

Problem Problem::methodNotAllowed(const QStringList &allowedMethods)
{
    const QString allowed = allowedMethods.join(QStringLiteral(", "));
    Problem problem(405, {}, QStringLiteral("This resource supports only: %1.").arg(allowed));
    problem.addHeader(QByteArrayLiteral("Allow"), allowed.toLatin1());
    return problem;
}

Problem Problem::unauthorized(const QString &detail, bool invalidToken)
{
    Problem problem(401, {}, detail);
    // RFC 6750 §3: error="invalid_token" only when a token was presented.
    problem.addHeader(QByteArrayLiteral("WWW-Authenticate"),
                      invalidToken ? QByteArrayLiteral("Bearer realm=\"relaydesk\", "
                                                       "error=\"invalid_token\"")
                                   : QByteArrayLiteral("Bearer realm=\"relaydesk\""));
    return problem;
}

Problem Problem::conflict(const QString &detail)
{
    return Problem(409, {}, detail);
}

Problem Problem::tooManyRequests(int retryAfterSeconds, const QString &detail)
{
    return withRetryAfter(
        Problem(429, QStringLiteral("Too many requests"),
                detail.isEmpty() ? QStringLiteral("Request rate limit exceeded.") : detail,
                QStringLiteral("rate-limited")),
        retryAfterSeconds);
}

Problem Problem::serviceUnavailable(int retryAfterSeconds, const QString &detail)
{
    return withRetryAfter(Problem(503, QStringLiteral("Service unavailable"),
                                  detail.isEmpty()
                                      ? QStringLiteral("The service cannot take this request right "
                                                       "now; retry later.")
                                      : detail,
                                  QStringLiteral("service-unavailable")),
                          retryAfterSeconds);
}

Problem Problem::internal(const QString &detail)
{
    return Problem(500, {},
                   detail.isEmpty()
                       ? QStringLiteral("The server failed to process the request; quote the "
                                        "X-Request-Id when reporting it.")
                       : detail);
}

} // namespace relaydesk
