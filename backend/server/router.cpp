#include "server/router.h"

#include <QRegularExpression>
#include <exception>

namespace relaydesk {

bool Router::parsePattern(const QString &pattern, QList<Segment> *segments)
{
    static const QRegularExpression parameterName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    if (!pattern.startsWith(QLatin1Char('/')))
        return false;
    segments->clear();
    if (pattern == QLatin1String("/"))
        return true;
    QStringList names;
    const QStringList parts = pattern.mid(1).split(QLatin1Char('/'));
    for (const QString &part : parts) {
        if (part.isEmpty())
            return false;
        if (part.startsWith(QLatin1Char('{')) && part.endsWith(QLatin1Char('}'))) {
            const QString name = part.mid(1, part.size() - 2);
            if (!parameterName.match(name).hasMatch() || names.contains(name))
                return false;
            names.append(name);
            segments->append({name, true});
        } else {
            if (part.contains(QLatin1Char('{')) || part.contains(QLatin1Char('}')))
                return false;
            segments->append({part, false});
        }
    }
    return segments->size() <= 64;
}

QStringList Router::splitPath(const QString &encodedPath, bool *ok)
{
    *ok = encodedPath.startsWith(QLatin1Char('/'));
    if (!*ok || encodedPath == QLatin1String("/"))
        return {};
    QStringList segments;
    const QStringList parts = encodedPath.mid(1).split(QLatin1Char('/'));
    for (const QString &part : parts) {
        if (part.isEmpty()) {
            // "//" and a trailing "/" name no resource of ours.
            *ok = false;
            return {};
        }
        segments.append(QUrl::fromPercentEncoding(part.toUtf8()));
    }
    return segments;
}

quint64 Router::specificity(const Route &route)
{
    quint64 bits = 0;
    for (qsizetype i = 0; i < route.segments.size(); ++i) {
        if (!route.segments.at(i).parameter)
            bits |= quint64(1) << (63 - i);
    }
    return bits;
}

bool Router::matches(const Route &route, const QStringList &segments,
                     QHash<QString, QString> *params)
{
    if (route.segments.size() != segments.size())
        return false;
    QHash<QString, QString> found;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const Segment &segment = route.segments.at(i);
        if (segment.parameter)
            found.insert(segment.text, segments.at(i));
        else if (segment.text != segments.at(i))
            return false;
    }
    if (params)
        *params = found;
    return true;
}

bool Router::add(const QByteArray &method, const QString &pattern, Handler handler)
{
    Route route;
    route.method = method.toUpper();
    route.pattern = pattern;
    route.handler = std::move(handler);
    if (route.method.isEmpty() || !route.handler || !parsePattern(pattern, &route.segments)) {
        qWarning("Router: invalid route %s %ls", method.constData(), qUtf16Printable(pattern));
        return false;
    }
    for (const Route &existing : std::as_const(m_routes)) {
        if (existing.method == route.method && existing.pattern == route.pattern) {
            qWarning("Router: duplicate route %s %ls", method.constData(),
                     qUtf16Printable(pattern));
            return false;
        }
    }
    m_routes.append(std::move(route));
    return true;
}

Router::Match Router::match(const QByteArray &method, const QString &encodedPath) const
{
    Match result;
    bool ok = false;
    const QStringList segments = splitPath(encodedPath, &ok);
    if (!ok)
        return result;

    const QByteArray wanted = method.toUpper();
    const Route *best = nullptr;
    QHash<QString, QString> bestParams;
    QStringList allowed;
    for (const Route &route : m_routes) {
        QHash<QString, QString> params;
        if (!matches(route, segments, &params))
            continue;
        if (!allowed.contains(QString::fromLatin1(route.method)))
            allowed.append(QString::fromLatin1(route.method));
        const bool methodFits =
            route.method == wanted || (wanted == "HEAD" && route.method == "GET");
        if (methodFits && (!best || specificity(route) > specificity(*best))) {
            best = &route;
            bestParams = params;
        }
    }

    if (best) {
        result.result = Match::Result::Found;
        result.handler = best->handler;
        result.pattern = best->pattern;
        result.params = bestParams;
    } else if (!allowed.isEmpty()) {
        if (allowed.contains(QStringLiteral("GET")) && !allowed.contains(QStringLiteral("HEAD")))
            allowed.append(QStringLiteral("HEAD"));
        allowed.sort();
        result.result = Match::Result::MethodNotAllowed;
        result.allowedMethods = allowed;
    }
    return result;
}

void Router::dispatch(const HttpRequest &request, const HttpResponder &responder) const
{
    run(match(request.method(), request.encodedPath()), request, responder);
}

void Router::run(const Match &found, HttpRequest request, const HttpResponder &responder)
{
    switch (found.result) {
    case Match::Result::NotFound:
        responder.sendProblem(
            Problem::notFound(QStringLiteral("No resource at %1.").arg(request.path())));
        return;
    case Match::Result::MethodNotAllowed:
        responder.sendProblem(Problem::methodNotAllowed(found.allowedMethods));
        return;
    case Match::Result::Found:
        break;
    }

    request.setPathParams(found.params);
    request.setRoutePattern(found.pattern);
    try {
        found.handler(request, responder);
    } catch (const std::exception &error) {
        qCritical("Router: handler for %ls threw: %s", qUtf16Printable(found.pattern),
                  error.what());
        responder.sendProblem(Problem::internal());
    } catch (...) {
        qCritical("Router: handler for %ls threw a non-standard exception",
                  qUtf16Printable(found.pattern));
        responder.sendProblem(Problem::internal());
    }
}

} // namespace relaydesk
