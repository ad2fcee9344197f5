#pragma once

#include "core/message.h"

#include <QDateTime>
#include <QVariant>

namespace relaydesk {

// How domain values are stored in columns: JSON text for lists and maps, Unix milliseconds for
// times. Both dialects use the same encodings so rows read back identically.
class SqlCodec
{
public:
    static QString fromStringList(const QStringList &list);
    static QStringList stringList(const QVariant &column);
    static QString fromMetadata(const QMap<QString, QString> &metadata);
    static QMap<QString, QString> metadata(const QVariant &column);
    static QString fromAttachments(const QList<Attachment> &attachments);
    static QList<Attachment> attachments(const QVariant &column);
    static QDateTime dateTime(const QVariant &column);
    // Turns free text into an FTS5 query that matches every word (prefix match on the last),
    // with no FTS5 syntax left for users to trip over.
    static QString ftsQuery(const QString &text);
};

} // namespace relaydesk
