#pragma once

#include "core/message.h"

#include <QHash>
#include <QImage>
#include <QObject>
#include <QPixmap>
#include <QSet>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace relaydesk::ui {

// Fetches image attachments and turns them into thumbnails without touching the GUI thread's
// time budget: the download is asynchronous (QNetworkAccessManager), decoding and scaling run
// on the thread pool, and only the finished thumbnail comes back. Results are cached per URL
// for the life of the loader, so scrolling and refreshes never download twice.
class AttachmentLoader : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kMaxBytes = 10 * 1024 * 1024;
    static constexpr int kTimeoutMs = 15000;
    static constexpr int kThumbnailSize = 180;

    explicit AttachmentLoader(QObject *parent = nullptr);

    // Images by content type, or by file name when the platform sent no type.
    static bool isImage(const Attachment &attachment);
    // Whether the console can fetch it (http, https, file); platform references such as a
    // Telegram file id cannot be opened directly.
    static bool isFetchable(const QUrl &url);
    static QString fileName(const Attachment &attachment);

    // The thumbnail when it is ready; otherwise a null pixmap, and the download starts (once).
    QPixmap thumbnail(const QUrl &url);
    // Why the thumbnail could not be made; empty while loading or after success.
    QString error(const QUrl &url) const { return m_errors.value(url); }
    bool isLoading(const QUrl &url) const { return m_loading.contains(url); }

Q_SIGNALS:
    void thumbnailReady(const QUrl &url);
    void thumbnailFailed(const QUrl &url, const QString &error);

private:
    void finished(QNetworkReply *reply);
    void fail(const QUrl &url, const QString &error);

    QNetworkAccessManager *m_network;
    QHash<QUrl, QPixmap> m_thumbnails;
    QHash<QUrl, QString> m_errors;
    QSet<QUrl> m_loading;
};

} // namespace relaydesk::ui
