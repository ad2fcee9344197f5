#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QUrlQuery>

namespace relaydesk {

// One request as FakeHttpServer read it off the wire, so tests can assert on exactly what our
// client code sent.
struct RecordedRequest {
    QByteArray method;
    QString path; // percent-decoded, without the query
    QUrlQuery query;
    // Names are lower-cased because HTTP header names are case-insensitive; repeated headers are
    // joined with ", " as RFC 9110 allows.
    QMap<QByteArray, QByteArray> headers;
    QByteArray body; // already de-chunked when the client used Transfer-Encoding: chunked
    QDateTime receivedAt;
    // Requests sharing an id arrived on the same TCP connection: lets tests prove keep-alive reuse.
    quint64 connectionId = 0;

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

} // namespace relaydesk

Q_DECLARE_METATYPE(relaydesk::RecordedRequest)
