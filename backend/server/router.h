#pragma once

#include "server/httprequest.h"
#include "server/httpresponder.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <functional>

namespace relaydesk {

// Maps (method, path pattern) to handlers. Patterns are literal segments and {name}
// parameters, one whole segment each: "/api/v1/conversations/{id}/reply". Parameters are
// percent-decoded after splitting, so "a%2Fb" is one id. When several patterns match, the one
// with a literal segment earliest wins ("/conversations/search" over "/conversations/{id}").
//
// Unknown path: 404 problem. Known path, other method: 405 problem with Allow. HEAD is served
// by the GET handler; HttpServer then sends the headers without the body (RFC 9110 §9.3.2).
class Router
{
public:
    using Handler = std::function<void(const HttpRequest &, HttpResponder)>;

    struct Match {
        enum class Result { Found, NotFound, MethodNotAllowed };
        Result result = Result::NotFound;
        Handler handler;
        QString pattern;
        QHash<QString, QString> params;
        QStringList allowedMethods; // filled for MethodNotAllowed
    };

    // Returns false (and logs) for a malformed pattern or a duplicate (method, pattern).
    bool add(const QByteArray &method, const QString &pattern, Handler handler);
    bool get(const QString &pattern, Handler handler) { return add("GET", pattern, handler); }
    bool post(const QString &pattern, Handler handler) { return add("POST", pattern, handler); }
    bool put(const QString &pattern, Handler handler) { return add("PUT", pattern, handler); }
    bool patch(const QString &pattern, Handler handler) { return add("PATCH", pattern, handler); }
    bool remove(const QString &pattern, Handler handler) { return add("DELETE", pattern, handler); }

    Match match(const QByteArray &method, const QString &encodedPath) const;

    // Answers 404/405 for a failed match, else fills the path params and route pattern and
    // runs the handler. A handler that throws gets a 500 answer instead of unwinding through
    // the event loop.
    static void run(const Match &match, HttpRequest request, const HttpResponder &responder);
    void dispatch(const HttpRequest &request, const HttpResponder &responder) const;

    int routeCount() const { return int(m_routes.size()); }

private:
    struct Segment {
        QString text; // literal text, or the parameter name
        bool parameter = false;
    };
    struct Route {
        QByteArray method;
        QString pattern;
        QList<Segment> segments;
        Handler handler;
    };

    static bool parsePattern(const QString &pattern, QList<Segment> *segments);
    static QStringList splitPath(const QString &encodedPath, bool *ok);
    // Literal-segment bitmap, most significant = first segment: bigger is more specific.
    static quint64 specificity(const Route &route);
    static bool matches(const Route &route, const QStringList &segments,
                        QHash<QString, QString> *params);

    QList<Route> m_routes;
};

} // namespace relaydesk
