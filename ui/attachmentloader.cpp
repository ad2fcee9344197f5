#include "ui/attachmentloader.h"

#include <QFileInfo>
#include <QFutureWatcher>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QtConcurrent/QtConcurrentRun>

namespace relaydesk::ui {

namespace {

const QStringList kImageSuffixes{QStringLiteral("png"),  QStringLiteral("jpg"),
                                 QStringLiteral("jpeg"), QStringLiteral("gif"),
                                 QStringLiteral("webp"), QStringLiteral("bmp")};

} // namespace

AttachmentLoader::AttachmentLoader(QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
{}

bool AttachmentLoader::isImage(const Attachment &attachment)
{
    if (attachment.contentType.startsWith(QLatin1String("image/"), Qt::CaseInsensitive))
        return true;
    if (!attachment.contentType.isEmpty())
        return false;
    const QString suffix = QFileInfo(QUrl(attachment.url).path()).suffix().toLower();
    return kImageSuffixes.contains(suffix);
}

bool AttachmentLoader::isFetchable(const QUrl &url)
{
    const QString scheme = url.scheme().toLower();
    return url.isValid() && (scheme == QLatin1String("http") || scheme == QLatin1String("https") ||
                             scheme == QLatin1String("file"));
}

QString AttachmentLoader::fileName(const Attachment &attachment)
{
    const QString name = QFileInfo(QUrl(attachment.url).path()).fileName();
    return name.isEmpty() ? attachment.url : name;
}

QPixmap AttachmentLoader::thumbnail(const QUrl &url)
{
    if (const auto found = m_thumbnails.constFind(url); found != m_thumbnails.cend())
        return *found;
    if (m_loading.contains(url) || m_errors.contains(url))
        return {};
    if (!isFetchable(url)) {
        fail(url, tr("This attachment cannot be opened from the console."));
        return {};
    }
    m_loading.insert(url);
    QNetworkRequest request(url);
    request.setTransferTimeout(kTimeoutMs);
    QNetworkReply *reply = m_network->get(request);
    // Abort what is bigger than an image needs to be instead of buffering it.
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64 total) {
        if (received > kMaxBytes || total > kMaxBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { finished(reply); });
    return {};
}

void AttachmentLoader::finished(QNetworkReply *reply)
{
    reply->deleteLater();
    const QUrl url = reply->request().url();
    if (reply->error() != QNetworkReply::NoError) {
        const bool tooBig = reply->error() == QNetworkReply::OperationCanceledError;
        fail(url, tooBig ? tr("The image is larger than %1 MB.").arg(kMaxBytes / (1024 * 1024))
                         : reply->errorString());
        return;
    }
    const QByteArray bytes = reply->readAll();
    auto *watcher = new QFutureWatcher<QImage>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, url] {
        watcher->deleteLater();
        const QImage image = watcher->result();
        m_loading.remove(url);
        if (image.isNull()) {
            fail(url, tr("The attachment is not an image the console can show."));
            return;
        }
        m_thumbnails.insert(url, QPixmap::fromImage(image));
        Q_EMIT thumbnailReady(url);
    });
    watcher->setFuture(QtConcurrent::run([bytes] {
        QImage image;
        if (!image.loadFromData(bytes))
            return QImage();
        if (image.width() > kThumbnailSize || image.height() > kThumbnailSize)
            image = image.scaled(kThumbnailSize, kThumbnailSize, Qt::KeepAspectRatio,
                                 Qt::SmoothTransformation);
        return image;
    }));
}

void AttachmentLoader::fail(const QUrl &url, const QString &error)
{
    m_loading.remove(url);
    m_errors.insert(url, error);
    Q_EMIT thumbnailFailed(url, error);
}

} // namespace relaydesk::ui
