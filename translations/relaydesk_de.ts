<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>DisplayNames</name>
    <message>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <source>Discord</source>
        <translation>Discord</translation>
    </message>
    <message>
        <source>X</source>
        <translation>X</translation>
    </message>
    <message>
        <source>SMS</source>
        <translation>SMS</translation>
    </message>
    <message>
        <source>MMS</source>
        <translation>MMS</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Gelöst</translation>
    </message>
    <message>
        <source>Archived</source>
        <translation>Archiviert</translation>
    </message>
    <message>
        <source>Low priority</source>
        <translation>Niedrige Priorität</translation>
    </message>
    <message>
        <source>Normal priority</source>
        <translation>Normale Priorität</translation>
    </message>
    <message>
        <source>High priority</source>
        <translation>Hohe Priorität</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Dringend</translation>
    </message>
    <message>
        <source>AI sends automatically</source>
        <translation>KI sendet automatisch</translation>
    </message>
    <message>
        <source>AI drafts for review</source>
        <translation>KI-Entwürfe zur Prüfung</translation>
    </message>
    <message>
        <source>Manual replies only</source>
        <translation>Nur manuelle Antworten</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Operator</source>
        <translation>Bearbeiter</translation>
    </message>
    <message>
        <source>AI</source>
        <translation>KI</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>In Warteschlange</translation>
    </message>
    <message>
        <source>Processing</source>
        <translation>In Bearbeitung</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>Entwurf</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Verworfen</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Failed, retrying</source>
        <translation>Fehlgeschlagen, neuer Versuch folgt</translation>
    </message>
    <message>
        <source>Not delivered</source>
        <translation>Nicht zugestellt</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Niedrig</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Hoch</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 Min.</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 Std.</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 Std. %2 Min.</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 T.</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>Markiert</translation>
    </message>
    <message>
        <source>Draft waiting</source>
        <translation>Entwurf wartet</translation>
    </message>
    <message>
        <source>%1 drafts waiting</source>
        <translation>%1 Entwürfe warten</translation>
    </message>
    <message>
        <source>AI auto</source>
        <translation>KI automatisch</translation>
    </message>
    <message>
        <source>AI review</source>
        <translation>KI mit Prüfung</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Manuell</translation>
    </message>
    <message>
        <source>Draft reply</source>
        <translation>Antwortentwurf</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>Nachricht senden</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Dead letters</source>
        <translation>Unzustellbare</translation>
    </message>
    <message>
        <source>Discarded</source>
        <translation>Verworfen</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>Not accepted: %1</source>
        <translation>Nicht angenommen: %1</translation>
    </message>
    <message>
        <source>Not found: %1</source>
        <translation>Nicht gefunden: %1</translation>
    </message>
    <message>
        <source>Already handled elsewhere: %1</source>
        <translation>Bereits anderweitig erledigt: %1</translation>
    </message>
    <message>
        <source>The engine is busy or unavailable (%1). Try again in %2 seconds.</source>
        <translation>Die Engine ist ausgelastet oder nicht erreichbar (%1). Bitte in %2 Sekunden erneut versuchen.</translation>
    </message>
    <message>
        <source>The engine is unavailable: %1</source>
        <translation>Die Engine ist nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>Unexpected error: %1</source>
        <translation>Unerwarteter Fehler: %1</translation>
    </message>
    <message>
        <source>%1 failed. %2</source>
        <translation>%1 ist fehlgeschlagen. %2</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::AttachmentLoader</name>
    <message>
        <source>This attachment cannot be opened from the console.</source>
        <translation>Dieser Anhang lässt sich in der Konsole nicht öffnen.</translation>
    </message>
    <message>
        <source>The image is larger than %1 MB.</source>
        <translation>Das Bild ist größer als %1 MB.</translation>
    </message>
    <message>
        <source>The attachment is not an image the console can show.</source>
        <translation>Der Anhang ist kein Bild, das die Konsole anzeigen kann.</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::Composer</name>
    <message>
        <source>Write a reply to the customer… (type / for canned responses)</source>
        <translation>Antwort an den Kunden schreiben … (/ für Textbausteine)</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Antwort</translation>
    </message>
    <message>
        <source>Characters used</source>
        <translation>Verwendete Zeichen</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send this reply to the customer (Ctrl+Return)</source>
        <translation>Diese Antwort an den Kunden senden (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Send reply</source>
        <translation>Antwort senden</translation>
    </message>
    <message>
        <source>Ctrl+Return</source>
        <translation>Strg+Eingabe</translation>
    </message>
    <message>
        <source>Canned responses</source>
        <translation>Textbausteine</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>The reply is %1 characters longer than the platform accepts.</source>
        <translation>Die Antwort ist %1 Zeichen länger, als die Plattform annimmt.</translation>
    </message>
    <message>
        <source>The platform accepts up to %1 characters.</source>
        <translation>Die Plattform nimmt bis zu %1 Zeichen an.</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Private note</source>
        <translation>Private Notiz</translation>
    </message>
    <message>
        <source>Write a private note for the team instead of a reply: it is never sent (N)</source>
        <translation>Eine private Notiz für das Team statt einer Antwort schreiben: Sie wird nie gesendet (N)</translation>
    </message>
    <message>
        <source>Write a private note for your team… (never sent to the customer)</source>
        <translation>Private Notiz für Ihr Team schreiben … (wird nie an den Kunden gesendet)</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>Notiz speichern</translation>
    </message>
    <message>
        <source>Keep this note with the conversation; it is not sent (Ctrl+Return)</source>
        <translation>Diese Notiz bei der Unterhaltung ablegen; sie wird nicht gesendet (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Add private note</source>
        <translation>Private Notiz speichern</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ContextPanel</name>
    <message>
        <source>Open a conversation to see its details.</source>
        <translation>Öffnen Sie eine Unterhaltung, um ihre Details zu sehen.</translation>
    </message>
    <message>
        <source>Clear flag</source>
        <translation>Markierung aufheben</translation>
    </message>
    <message>
        <source>The conversation was checked; AI drafts may follow its mode again</source>
        <translation>Die Unterhaltung wurde geprüft; KI-Entwürfe dürfen wieder ihrem Modus folgen</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation>Erledigen</translation>
    </message>
    <message>
        <source>Mark the conversation as resolved (Ctrl+Shift+R)</source>
        <translation>Die Unterhaltung als erledigt markieren (Strg+Umschalt+R)</translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation>Wieder öffnen</translation>
    </message>
    <message>
        <source>Archive</source>
        <translation>Archivieren</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Keys 1 to 4 set the priority from low to urgent</source>
        <translation>Die Tasten 1 bis 4 setzen die Priorität von niedrig bis dringend</translation>
    </message>
    <message>
        <source>AI mode</source>
        <translation>KI-Modus</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Manual</source>
        <translation>Manuell</translation>
    </message>
    <message>
        <source>AI mode: %1</source>
        <translation>KI-Modus: %1</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Zuständig</translation>
    </message>
    <message>
        <source>Nobody</source>
        <translation>Niemand</translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation>Mir zuweisen</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>Labels</translation>
    </message>
    <message>
        <source>Add a label and press Return</source>
        <translation>Label eingeben und Eingabe drücken</translation>
    </message>
    <message>
        <source>New label</source>
        <translation>Neues Label</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Beteiligte</translation>
    </message>
    <message>
        <source>Platform ids</source>
        <translation>Plattform-IDs</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Loading the conversation details</source>
        <translation>Das Laden der Unterhaltungsdetails</translation>
    </message>
    <message>
        <source>Unknown customer</source>
        <translation>Unbekannter Kunde</translation>
    </message>
    <message>
        <source>Flagged for review</source>
        <translation>Zur Prüfung markiert</translation>
    </message>
    <message>
        <source>Flagged for review: %1</source>
        <translation>Zur Prüfung markiert: %1</translation>
    </message>
    <message>
        <source>Nobody yet</source>
        <translation>Noch niemand</translation>
    </message>
    <message>
        <source>Thread key: %1</source>
        <translation>Thread-Schlüssel: %1</translation>
    </message>
    <message>
        <source>Conversation: %1</source>
        <translation>Unterhaltung: %1</translation>
    </message>
    <message>
        <source>Started: %1</source>
        <translation>Begonnen: %1</translation>
    </message>
    <message>
        <source>Last activity: %1</source>
        <translation>Letzte Aktivität: %1</translation>
    </message>
    <message>
        <source>Drafts waiting: %1</source>
        <translation>Wartende Entwürfe: %1</translation>
    </message>
    <message>
        <source>Remove the label %1</source>
        <translation>Das Label %1 entfernen</translation>
    </message>
    <message>
        <source>Remove label %1</source>
        <translation>Label %1 entfernen</translation>
    </message>
    <message>
        <source>Updating the conversation</source>
        <translation>Das Ändern der Unterhaltung</translation>
    </message>
    <message>
        <source>Conversation is now %1.</source>
        <translation>Die Unterhaltung ist jetzt %1.</translation>
    </message>
    <message>
        <source>Priority set to %1.</source>
        <translation>Priorität auf %1 gesetzt.</translation>
    </message>
    <message>
        <source>AI mode: %1.</source>
        <translation>KI-Modus: %1.</translation>
    </message>
    <message>
        <source>Nobody is assigned now.</source>
        <translation>Jetzt ist niemand zuständig.</translation>
    </message>
    <message>
        <source>Assigned to %1.</source>
        <translation>Zugewiesen an %1.</translation>
    </message>
    <message>
        <source>Label %1 added.</source>
        <translation>Label %1 hinzugefügt.</translation>
    </message>
    <message>
        <source>Label %1 removed.</source>
        <translation>Label %1 entfernt.</translation>
    </message>
    <message>
        <source>Flag cleared.</source>
        <translation>Markierung aufgehoben.</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ConversationItemDelegate</name>
    <message>
        <source>No messages yet</source>
        <translation>Noch keine Nachrichten</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ConversationListModel</name>
    <message>
        <source>Unknown customer</source>
        <translation>Unbekannter Kunde</translation>
    </message>
    <message>
        <source>Loading the inbox</source>
        <translation>Das Laden des Posteingangs</translation>
    </message>
    <message>
        <source>Refreshing the inbox</source>
        <translation>Das Aktualisieren des Posteingangs</translation>
    </message>
    <message>
        <source>Drafts waiting for review: %1</source>
        <translation>Entwürfe zur Prüfung: %1</translation>
    </message>
    <message>
        <source>Flagged for review</source>
        <translation>Zur Prüfung markiert</translation>
    </message>
    <message>
        <source>Flagged: %1</source>
        <translation>Markiert: %1</translation>
    </message>
    <message>
        <source>Unanswered customer messages: %1</source>
        <translation>Unbeantwortete Kundennachrichten: %1</translation>
    </message>
    <message>
        <source>Assigned to %1</source>
        <translation>Zugewiesen an %1</translation>
    </message>
    <message>
        <source>Labels: %1</source>
        <translation>Labels: %1</translation>
    </message>
    <message>
        <source>%1, %2, %3</source>
        <translation>%1, %2, %3</translation>
    </message>
    <message>
        <source>You: %1</source>
        <translation>Sie: %1</translation>
    </message>
    <message>
        <source>AI: %1</source>
        <translation>KI: %1</translation>
    </message>
    <message>
        <source>Loading more conversations</source>
        <translation>Das Laden weiterer Unterhaltungen</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ConversationView</name>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>No messages in this conversation yet.</source>
        <translation>Diese Unterhaltung enthält noch keine Nachrichten.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Loading the conversation</source>
        <translation>Das Laden der Unterhaltung</translation>
    </message>
    <message>
        <source>Rejected by %1</source>
        <translation>Verworfen von %1</translation>
    </message>
    <message>
        <source>Drafting a reply failed: %1</source>
        <translation>Der Antwortentwurf ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Delivery failed: %1</source>
        <translation>Zustellung fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Unknown customer</source>
        <translation>Unbekannter Kunde</translation>
    </message>
    <message>
        <source>Assigned to %1</source>
        <translation>Zugewiesen an %1</translation>
    </message>
    <message>
        <source>Reply queued for sending.</source>
        <translation>Antwort zum Senden eingereiht.</translation>
    </message>
    <message>
        <source>Sending the reply</source>
        <translation>Das Senden der Antwort</translation>
    </message>
    <message>
        <source>Edited reply approved and queued for sending.</source>
        <translation>Bearbeitete Antwort freigegeben und zum Senden eingereiht.</translation>
    </message>
    <message>
        <source>Reply approved and queued for sending.</source>
        <translation>Antwort freigegeben und zum Senden eingereiht.</translation>
    </message>
    <message>
        <source>Approving the draft</source>
        <translation>Das Freigeben des Entwurfs</translation>
    </message>
    <message>
        <source>Reject draft</source>
        <translation>Entwurf verwerfen</translation>
    </message>
    <message>
        <source>Why is this draft rejected? (optional, kept in the history)</source>
        <translation>Warum wird dieser Entwurf verworfen? (optional, wird im Verlauf gespeichert)</translation>
    </message>
    <message>
        <source>Keep draft</source>
        <translation>Entwurf behalten</translation>
    </message>
    <message>
        <source>Draft rejected.</source>
        <translation>Entwurf verworfen.</translation>
    </message>
    <message>
        <source>Rejecting the draft</source>
        <translation>Das Verwerfen des Entwurfs</translation>
    </message>
    <message>
        <source>Select a conversation in the inbox to read it and answer the customer.

J / K move through the inbox, R replies, Ctrl+Return approves the draft, F1 lists every shortcut.</source>
        <translation>Wählen Sie im Posteingang eine Unterhaltung, um sie zu lesen und dem Kunden zu antworten.

J / K wechseln durch den Posteingang, R antwortet, Strg+Eingabe gibt den Entwurf frei, F1 zeigt alle Tastenkürzel.</translation>
    </message>
    <message>
        <source>Load older messages</source>
        <translation>Ältere Nachrichten laden</translation>
    </message>
    <message>
        <source>AI is writing a reply…</source>
        <translation>Die KI schreibt eine Antwort …</translation>
    </message>
    <message>
        <source>Loading older messages…</source>
        <translation>Ältere Nachrichten werden geladen …</translation>
    </message>
    <message>
        <source>Sending failed, trying again: %1</source>
        <translation>Senden fehlgeschlagen, neuer Versuch folgt: %1</translation>
    </message>
    <message>
        <source>Flagged for review</source>
        <translation>Zur Prüfung markiert</translation>
    </message>
    <message>
        <source>Flagged: %1</source>
        <translation>Markiert: %1</translation>
    </message>
    <message>
        <source>Writing a new draft…</source>
        <translation>Ein neuer Entwurf wird geschrieben …</translation>
    </message>
    <message>
        <source>Regenerating the draft</source>
        <translation>Das Neuschreiben des Entwurfs</translation>
    </message>
    <message>
        <source>You took over: the AI no longer drafts in this conversation.</source>
        <translation>Sie haben übernommen: Die KI schreibt in dieser Unterhaltung keine Entwürfe mehr.</translation>
    </message>
    <message>
        <source>Taking over the conversation</source>
        <translation>Das Übernehmen der Unterhaltung</translation>
    </message>
    <message>
        <source>Queued again: %1.</source>
        <translation>Erneut eingereiht: %1.</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>Der erneute Versuch</translation>
    </message>
    <message>
        <source>Private note added; it is not sent.</source>
        <translation>Private Notiz gespeichert; sie wird nicht gesendet.</translation>
    </message>
    <message>
        <source>Adding the note</source>
        <translation>Das Speichern der Notiz</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::DraftCard</name>
    <message>
        <source>AI draft waiting for your review</source>
        <translation>KI-Entwurf wartet auf Ihre Prüfung</translation>
    </message>
    <message>
        <source>Draft reply</source>
        <translation>Antwortentwurf</translation>
    </message>
    <message>
        <source>Ctrl+Return approves and sends</source>
        <translation>Strg+Eingabe gibt frei</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Discard this draft; you can give a reason</source>
        <translation>Diesen Entwurf verwerfen; Sie können einen Grund angeben</translation>
    </message>
    <message>
        <source>Approve and send</source>
        <translation>Freigeben und senden</translation>
    </message>
    <message>
        <source>Send this reply (with your edits) to the customer</source>
        <translation>Diese Antwort (mit Ihren Änderungen) an den Kunden senden</translation>
    </message>
    <message>
        <source>The reply is empty. Write a reply or reject the draft.</source>
        <translation>Die Antwort ist leer. Schreiben Sie eine Antwort oder verwerfen Sie den Entwurf.</translation>
    </message>
    <message>
        <source>AI draft (edited) waiting for your review</source>
        <translation>KI-Entwurf (bearbeitet) wartet auf Ihre Prüfung</translation>
    </message>
    <message>
        <source>Take over</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>Switch this conversation to manual replies; the AI stops drafting</source>
        <translation>Diese Unterhaltung auf manuelle Antworten umstellen; die KI schreibt keine Entwürfe mehr</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Neu schreiben</translation>
    </message>
    <message>
        <source>Write a new draft, optionally with an instruction (G)</source>
        <translation>Einen neuen Entwurf schreiben lassen, auf Wunsch mit Anweisung (G)</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>Noch einmal</translation>
    </message>
    <message>
        <source>Shorter</source>
        <translation>Kürzer</translation>
    </message>
    <message>
        <source>More formal</source>
        <translation>Förmlicher</translation>
    </message>
    <message>
        <source>Friendlier</source>
        <translation>Freundlicher</translation>
    </message>
    <message>
        <source>With an instruction…</source>
        <translation>Mit Anweisung …</translation>
    </message>
    <message>
        <source>Held for review: %1</source>
        <translation>Zur Prüfung zurückgehalten: %1</translation>
    </message>
    <message>
        <source>The reply is %1 characters too long for this platform.</source>
        <translation>Die Antwort ist für diese Plattform %1 Zeichen zu lang.</translation>
    </message>
    <message>
        <source>Regenerate draft</source>
        <translation>Entwurf neu schreiben</translation>
    </message>
    <message>
        <source>How should the new draft differ? (for example: mention the tracking link, apologise for the delay)</source>
        <translation>Was soll der neue Entwurf anders machen? (zum Beispiel: den Sendungslink nennen, sich für die Verzögerung entschuldigen)</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::EventInspector</name>
    <message>
        <source>Click a message in the conversation to inspect its events.</source>
        <translation>Klicken Sie in der Unterhaltung auf eine Nachricht, um ihre Ereignisse zu sehen.</translation>
    </message>
    <message>
        <source>Copy JSON</source>
        <translation>JSON kopieren</translation>
    </message>
    <message>
        <source>Copy the message and its events as JSON to the clipboard</source>
        <translation>Die Nachricht und ihre Ereignisse als JSON in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>Event timeline</source>
        <translation>Ereignisverlauf</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>Raw JSON</source>
        <translation>Rohes JSON</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Loading the message events</source>
        <translation>Das Laden der Nachrichtenereignisse</translation>
    </message>
    <message>
        <source>%1 message from %2 · %3</source>
        <translation>%1-Nachricht von %2 · %3</translation>
    </message>
    <message>
        <source>Message JSON copied to the clipboard.</source>
        <translation>Nachricht als JSON in die Zwischenablage kopiert.</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::HealthPanel</name>
    <message>
        <source>CHANNELS</source>
        <translation>KANÄLE</translation>
    </message>
    <message>
        <source>No channel is configured. Customer messages arrive only through the HTTP API, and replies cannot be delivered.</source>
        <translation>Kein Kanal ist eingerichtet. Kundennachrichten kommen nur über die HTTP-API an, und Antworten können nicht zugestellt werden.</translation>
    </message>
    <message>
        <source>AI PROVIDERS</source>
        <translation>KI-ANBIETER</translation>
    </message>
    <message>
        <source>Only the built-in offline responder drafts replies.</source>
        <translation>Nur der eingebaute Offline-Beantworter schreibt Entwürfe.</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>Funktioniert</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Failing</source>
        <translation>Gestört</translation>
    </message>
    <message>
        <source>No traffic yet</source>
        <translation>Noch kein Verkehr</translation>
    </message>
    <message>
        <source>Last success %1</source>
        <translation>Zuletzt erfolgreich %1</translation>
    </message>
    <message>
        <source>1 failure in a row</source>
        <translation>1 Fehler in Folge</translation>
    </message>
    <message>
        <source>%1 failures in a row</source>
        <translation>%1 Fehler in Folge</translation>
    </message>
    <message>
        <source>Last error (%1): %2</source>
        <translation>Letzter Fehler (%1): %2</translation>
    </message>
    <message>
        <source>Circuit open, retry in %1 s</source>
        <translation>Sicherung offen, neuer Versuch in %1 s</translation>
    </message>
    <message>
        <source>Circuit half-open, probing</source>
        <translation>Sicherung halb offen, Testaufruf</translation>
    </message>
    <message>
        <source>Circuit closed, no calls yet</source>
        <translation>Sicherung geschlossen, noch keine Aufrufe</translation>
    </message>
    <message>
        <source>Circuit closed, recent errors</source>
        <translation>Sicherung geschlossen, kürzlich Fehler</translation>
    </message>
    <message>
        <source>Circuit closed</source>
        <translation>Sicherung geschlossen</translation>
    </message>
    <message>
        <source>%1 of the last %2 calls failed</source>
        <translation>%1 der letzten %2 Aufrufe fehlgeschlagen</translation>
    </message>
    <message>
        <source>Today: 1 call</source>
        <translation>Heute: 1 Aufruf</translation>
    </message>
    <message>
        <source>Today: %1 calls</source>
        <translation>Heute: %1 Aufrufe</translation>
    </message>
    <message>
        <source>%1% errors</source>
        <translation>%1 % Fehler</translation>
    </message>
    <message>
        <source>avg %1 ms</source>
        <translation>Ø %1 ms</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 Tokens</translation>
    </message>
    <message>
        <source>cost %1</source>
        <translation>Kosten %1</translation>
    </message>
    <message>
        <source>No calls today</source>
        <translation>Heute keine Aufrufe</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::InboxPanel</name>
    <message>
        <source>Search messages… (Ctrl+F)</source>
        <translation>Nachrichten durchsuchen … (Strg+F)</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>Unterhaltungen durchsuchen</translation>
    </message>
    <message>
        <source>Full-text search over every message; press Return to go to the results</source>
        <translation>Volltextsuche über alle Nachrichten; Eingabe springt zu den Treffern</translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation>Statusfilter</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>Platform filter</source>
        <translation>Plattformfilter</translation>
    </message>
    <message>
        <source>All platforms</source>
        <translation>Alle Plattformen</translation>
    </message>
    <message>
        <source>Priority filter</source>
        <translation>Prioritätsfilter</translation>
    </message>
    <message>
        <source>Any priority</source>
        <translation>Jede Priorität</translation>
    </message>
    <message>
        <source>Needs review</source>
        <translation>Zu prüfen</translation>
    </message>
    <message>
        <source>Only conversations with AI drafts waiting for review</source>
        <translation>Nur Unterhaltungen mit KI-Entwürfen, die auf Prüfung warten</translation>
    </message>
    <message>
        <source>Flagged</source>
        <translation>Markiert</translation>
    </message>
    <message>
        <source>Only conversations flagged by moderation or the AI rate limit</source>
        <translation>Nur Unterhaltungen, die Moderation oder KI-Ratenlimit markiert haben</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>Meine</translation>
    </message>
    <message>
        <source>Only conversations assigned to me</source>
        <translation>Nur mir zugewiesene Unterhaltungen</translation>
    </message>
    <message>
        <source>Label filter</source>
        <translation>Labelfilter</translation>
    </message>
    <message>
        <source>Any label</source>
        <translation>Jedes Label</translation>
    </message>
    <message>
        <source>Sort order</source>
        <translation>Sortierung</translation>
    </message>
    <message>
        <source>Longest waiting</source>
        <translation>Am längsten wartend</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Newest</source>
        <translation>Neueste</translation>
    </message>
    <message>
        <source>Sort by</source>
        <translation>Sortieren nach</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Filter zurücksetzen</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>Unterhaltungen</translation>
    </message>
    <message>
        <source>No conversations match these filters.</source>
        <translation>Keine Unterhaltung passt zu diesen Filtern.</translation>
    </message>
    <message>
        <source>No conversations yet.
Customer messages appear here as soon as they arrive.</source>
        <translation>Noch keine Unterhaltungen.
Nachrichten von Kunden erscheinen hier, sobald sie eintreffen.</translation>
    </message>
    <message>
        <source>%1 conversations loaded, scroll for more</source>
        <translation>%1 Unterhaltungen geladen, für mehr weiterblättern</translation>
    </message>
    <message>
        <source>1 conversation</source>
        <translation>1 Unterhaltung</translation>
    </message>
    <message>
        <source>%1 conversations</source>
        <translation>%1 Unterhaltungen</translation>
    </message>
    <message>
        <source>filtered</source>
        <translation>gefiltert</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::MainWindow</name>
    <message>
        <source>Relaydesk</source>
        <translation>Relaydesk</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Reload the inbox and the open conversation</source>
        <translation>Posteingang und geöffnete Unterhaltung neu laden</translation>
    </message>
    <message>
        <source>&amp;Next draft</source>
        <translation>&amp;Nächster Entwurf</translation>
    </message>
    <message>
        <source>Open the next conversation with a draft waiting for review</source>
        <translation>Die nächste Unterhaltung mit einem Entwurf zur Prüfung öffnen</translation>
    </message>
    <message>
        <source>&amp;About Relaydesk</source>
        <translation>&amp;Über Relaydesk</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Gehe zu</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <source>Inbox</source>
        <translation>Posteingang</translation>
    </message>
    <message>
        <source>No drafts are waiting for review.</source>
        <translation>Es warten keine Entwürfe auf Prüfung.</translation>
    </message>
    <message>
        <source>Engine stopped</source>
        <translation>Engine angehalten</translation>
    </message>
    <message>
        <source>About Relaydesk</source>
        <translation>Über Relaydesk</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Relaydesk %1&lt;/h3&gt;&lt;p&gt;Operator console and message engine for customer conversations.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;&lt;p&gt;Licensed under the GNU General Public License, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Relaydesk %1&lt;/h3&gt;&lt;p&gt;Bearbeiterkonsole und Nachrichten-Engine für Kundenunterhaltungen.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2.&lt;/p&gt;&lt;p&gt;Lizenziert unter der GNU General Public License, Version 3 oder neuer.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen …</translation>
    </message>
    <message>
        <source>Operator name, canned responses, notifications</source>
        <translation>Name, Textbausteine, Benachrichtigungen</translation>
    </message>
    <message>
        <source>Next conversation</source>
        <translation>Nächste Unterhaltung</translation>
    </message>
    <message>
        <source>Previous conversation</source>
        <translation>Vorige Unterhaltung</translation>
    </message>
    <message>
        <source>&amp;Search messages</source>
        <translation>Nachrichten &amp;durchsuchen</translation>
    </message>
    <message>
        <source>Go to the &amp;inbox</source>
        <translation>Zum &amp;Posteingang</translation>
    </message>
    <message>
        <source>&amp;Reply</source>
        <translation>&amp;Antworten</translation>
    </message>
    <message>
        <source>Write a reply in the composer</source>
        <translation>Eine Antwort im Eingabefeld schreiben</translation>
    </message>
    <message>
        <source>&amp;Edit draft</source>
        <translation>Entwurf &amp;bearbeiten</translation>
    </message>
    <message>
        <source>No draft is waiting in this conversation.</source>
        <translation>In dieser Unterhaltung wartet kein Entwurf.</translation>
    </message>
    <message>
        <source>&amp;Approve draft or send reply</source>
        <translation>Entwurf &amp;freigeben oder Antwort senden</translation>
    </message>
    <message>
        <source>Nothing to approve or send.</source>
        <translation>Nichts freizugeben oder zu senden.</translation>
    </message>
    <message>
        <source>Re&amp;generate draft</source>
        <translation>Entwurf neu &amp;schreiben</translation>
    </message>
    <message>
        <source>Ask the AI for a new draft, with an instruction</source>
        <translation>Die KI um einen neuen Entwurf bitten, mit Anweisung</translation>
    </message>
    <message>
        <source>Re&amp;solve conversation</source>
        <translation>Unterhaltung &amp;erledigen</translation>
    </message>
    <message>
        <source>Set priority: %1</source>
        <translation>Priorität setzen: %1</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>Anordnung &amp;zurücksetzen</translation>
    </message>
    <message>
        <source>&amp;Conversation</source>
        <translation>&amp;Unterhaltung</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>Kontext</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>Health</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Event inspector</source>
        <translation>Ereignisse</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>Kennzahlen</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <source>Show Relaydesk</source>
        <translation>Relaydesk anzeigen</translation>
    </message>
    <message>
        <source>API: off</source>
        <translation>API: aus</translation>
    </message>
    <message>
        <source>API: %1</source>
        <translation>API: %1</translation>
    </message>
    <message>
        <source>The HTTP API is not serving from this console</source>
        <translation>Diese Konsole stellt die HTTP-API nicht bereit</translation>
    </message>
    <message>
        <source>Remote bots and integrations reach the engine here</source>
        <translation>Externe Bots und Integrationen erreichen die Engine hier</translation>
    </message>
    <message>
        <source>Engine running</source>
        <translation>Engine läuft</translation>
    </message>
    <message>
        <source>Queue: %1  ·  Ingested: %2  ·  Jobs done: %3  ·  Jobs failed: %4</source>
        <translation>Warteschlange: %1  ·  Angenommen: %2  ·  Aufträge erledigt: %3  ·  Aufträge fehlgeschlagen: %4</translation>
    </message>
    <message>
        <source>Active conversations: %1</source>
        <translation>Aktive Unterhaltungen: %1</translation>
    </message>
    <message>
        <source>Relaydesk (%1)</source>
        <translation>Relaydesk (%1)</translation>
    </message>
    <message>
        <source>Relaydesk: 1 customer message waiting</source>
        <translation>Relaydesk: 1 Kundennachricht wartet</translation>
    </message>
    <message>
        <source>Relaydesk: %1 customer messages waiting</source>
        <translation>Relaydesk: %1 Kundennachrichten warten</translation>
    </message>
    <message>
        <source>Relaydesk: nobody is waiting</source>
        <translation>Relaydesk: Niemand wartet</translation>
    </message>
    <message>
        <source>Urgent message from %1 (%2)</source>
        <translation>Dringende Nachricht von %1 (%2)</translation>
    </message>
    <message>
        <source>Open the selected conversation</source>
        <translation>Ausgewählte Unterhaltung öffnen</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Unterhaltung</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>Settings saved.</source>
        <translation>Einstellungen gespeichert.</translation>
    </message>
    <message>
        <source>Window layout reset.</source>
        <translation>Fensteranordnung zurückgesetzt.</translation>
    </message>
    <message>
        <source>%1 urgent messages, the newest from %2</source>
        <translation>%1 dringende Nachrichten, die neueste von %2</translation>
    </message>
    <message>
        <source>Private &amp;note</source>
        <translation>Private &amp;Notiz</translation>
    </message>
    <message>
        <source>Write a private note for the team; it is never sent</source>
        <translation>Eine private Notiz für das Team schreiben; sie wird nie gesendet</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::MessageBubble</name>
    <message>
        <source>%1 (operator)</source>
        <translation>%1 (Bearbeiter)</translation>
    </message>
    <message>
        <source>AI reply</source>
        <translation>KI-Antwort</translation>
    </message>
    <message>
        <source>AI reply · %1</source>
        <translation>KI-Antwort · %1</translation>
    </message>
    <message>
        <source>Original AI draft:
%1</source>
        <translation>Ursprünglicher KI-Entwurf:
%1</translation>
    </message>
    <message>
        <source>edited before sending</source>
        <translation>vor dem Senden bearbeitet</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Queue this message again with fresh attempts</source>
        <translation>Diese Nachricht mit neuen Versuchen wieder einreihen</translation>
    </message>
    <message>
        <source>Retry sending</source>
        <translation>Erneut senden</translation>
    </message>
    <message>
        <source>Delivery state: %1</source>
        <translation>Zustellstatus: %1</translation>
    </message>
    <message>
        <source>Retrying…</source>
        <translation>Wird erneut gesendet …</translation>
    </message>
    <message>
        <source>Loading image…</source>
        <translation>Bild wird geladen …</translation>
    </message>
    <message>
        <source>Image attachment %1</source>
        <translation>Bildanhang %1</translation>
    </message>
    <message>
        <source>File kept by the platform: %1</source>
        <translation>Datei bei der Plattform: %1</translation>
    </message>
    <message>
        <source>Attachment %1</source>
        <translation>Anhang %1</translation>
    </message>
    <message>
        <source>No preview
%1</source>
        <translation>Keine Vorschau
%1</translation>
    </message>
    <message>
        <source>%1
The preview failed: %2</source>
        <translation>%1
Die Vorschau ist fehlgeschlagen: %2</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::MetricsPanel</name>
    <message>
        <source>Period</source>
        <translation>Zeitraum</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Customer messages by platform</source>
        <translation>Kundennachrichten nach Plattform</translation>
    </message>
    <message>
        <source>AI drafts, approvals and overrides</source>
        <translation>KI-Entwürfe, Freigaben und Übersteuerungen</translation>
    </message>
    <message>
        <source>First response time</source>
        <translation>Erste Antwortzeit</translation>
    </message>
    <message>
        <source>Computing the metrics</source>
        <translation>Das Berechnen der Kennzahlen</translation>
    </message>
    <message>
        <source>Drafts</source>
        <translation>Entwürfe</translation>
    </message>
    <message>
        <source>Approved</source>
        <translation>Freigegeben</translation>
    </message>
    <message>
        <source>Overridden</source>
        <translation>Übersteuert</translation>
    </message>
    <message>
        <source>First response time (minutes)</source>
        <translation>Erste Antwortzeit (Minuten)</translation>
    </message>
    <message>
        <source>Average per interval</source>
        <translation>Durchschnitt je Intervall</translation>
    </message>
    <message>
        <source>1 customer message</source>
        <translation>1 Kundennachricht</translation>
    </message>
    <message>
        <source>%1 customer messages</source>
        <translation>%1 Kundennachrichten</translation>
    </message>
    <message>
        <source>nobody answered yet</source>
        <translation>noch niemand beantwortet</translation>
    </message>
    <message>
        <source>median first response %1 min</source>
        <translation>Median erste Antwort %1 Min.</translation>
    </message>
    <message>
        <source>newest %1 messages only</source>
        <translation>nur die neuesten %1 Nachrichten</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::NoteBubble</name>
    <message>
        <source>an operator</source>
        <translation>einem Teammitglied</translation>
    </message>
    <message>
        <source>Private note by %1  ·  %2  ·  not sent to the customer</source>
        <translation>Private Notiz von %1  ·  %2  ·  nicht an den Kunden gesendet</translation>
    </message>
    <message>
        <source>Private note by %1</source>
        <translation>Private Notiz von %1</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ProviderTest</name>
    <message>
        <source>A test is already running.</source>
        <translation>Ein Test läuft bereits.</translation>
    </message>
    <message>
        <source>Unknown provider &quot;%1&quot;.</source>
        <translation>Unbekannter Anbieter „%1“.</translation>
    </message>
    <message>
        <source>No API key is set for %1.</source>
        <translation>Für %1 ist kein API-Schlüssel gesetzt.</translation>
    </message>
    <message>
        <source>Answered in %1 ms by %2: &quot;%3&quot;</source>
        <translation>Antwort in %1 ms von %2: „%3“</translation>
    </message>
    <message>
        <source>no answer</source>
        <translation>keine Antwort</translation>
    </message>
    <message>
        <source>Failed (HTTP %1): %2</source>
        <translation>Fehlgeschlagen (HTTP %1): %2</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>Fehlgeschlagen: %1</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::QueuePanel</name>
    <message>
        <source>JOBS BY PRIORITY</source>
        <translation>AUFTRÄGE NACH PRIORITÄT</translation>
    </message>
    <message>
        <source>Jobs by priority and state</source>
        <translation>Aufträge nach Priorität und Zustand</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Laufend</translation>
    </message>
    <message>
        <source>Dead letters</source>
        <translation>Unzustellbare Aufträge</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <source>THROUGHPUT</source>
        <translation>DURCHSATZ</translation>
    </message>
    <message>
        <source>Jobs completed per second over the last two minutes</source>
        <translation>Erledigte Aufträge pro Sekunde in den letzten zwei Minuten</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>Auftrag</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Kunde</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Open conversation</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Wiederholen</translation>
    </message>
    <message>
        <source>Send the selected dead letters back to the queue</source>
        <translation>Die ausgewählten unzustellbaren Aufträge wieder einreihen</translation>
    </message>
    <message>
        <source>Retry all</source>
        <translation>Alle wiederholen</translation>
    </message>
    <message>
        <source>%1 jobs in the last minute</source>
        <translation>%1 Aufträge in der letzten Minute</translation>
    </message>
    <message>
        <source>Reading the queue</source>
        <translation>Das Lesen der Warteschlange</translation>
    </message>
    <message>
        <source>%1
Attempts: %2 of %3
Message: %4</source>
        <translation>%1
Versuche: %2 von %3
Nachricht: %4</translation>
    </message>
    <message>
        <source>DEAD LETTERS (NEWEST %1)</source>
        <translation>UNZUSTELLBAR (NEUESTE %1)</translation>
    </message>
    <message>
        <source>DEAD LETTERS (%1)</source>
        <translation>UNZUSTELLBAR (%1)</translation>
    </message>
    <message>
        <source>Retry %1</source>
        <translation>%1 wiederholen</translation>
    </message>
    <message>
        <source>Retry dead letters</source>
        <translation>Unzustellbare Aufträge erneut versuchen</translation>
    </message>
    <message>
        <source>Send this dead letter back to the queue?</source>
        <translation>Diesen unzustellbaren Auftrag wieder einreihen?</translation>
    </message>
    <message>
        <source>Send %1 dead letters back to the queue?</source>
        <translation>%1 unzustellbare Aufträge wieder einreihen?</translation>
    </message>
    <message>
        <source>Each job gets fresh attempts. Messages that cannot be delivered end up here again.</source>
        <translation>Jeder Auftrag erhält neue Versuche. Nachrichten, die sich nicht zustellen lassen, landen wieder hier.</translation>
    </message>
    <message>
        <source>Retrying %v of %m</source>
        <translation>Erneuter Versuch %v von %m</translation>
    </message>
    <message>
        <source>1 dead letter sent back to the queue.</source>
        <translation>1 unzustellbarer Auftrag wieder eingereiht.</translation>
    </message>
    <message>
        <source>%1 dead letters sent back to the queue.</source>
        <translation>%1 unzustellbare Aufträge wieder eingereiht.</translation>
    </message>
    <message>
        <source>%1 of %2 dead letters sent back to the queue; %3 could not be retried.</source>
        <translation>%1 von %2 unzustellbaren Aufträgen wieder eingereiht; %3 ließen sich nicht erneut versuchen.</translation>
    </message>
    <message>
        <source>Retrying a dead letter</source>
        <translation>Der erneute Versuch eines unzustellbaren Auftrags</translation>
    </message>
    <message>
        <source>Dead</source>
        <translation>Unzustellbar</translation>
    </message>
    <message>
        <source>Discard</source>
        <translation>Verwerfen</translation>
    </message>
    <message>
        <source>Give up on the selected dead letters (Delete); their messages stay unsent</source>
        <translation>Die ausgewählten unzustellbaren Aufträge aufgeben (Entf); ihre Nachrichten bleiben ungesendet</translation>
    </message>
    <message>
        <source>Discard dead letters</source>
        <translation>Unzustellbare Aufträge verwerfen</translation>
    </message>
    <message>
        <source>Discard %1</source>
        <translation>%1 verwerfen</translation>
    </message>
    <message>
        <source>Discard this dead letter?</source>
        <translation>Diesen unzustellbaren Auftrag verwerfen?</translation>
    </message>
    <message>
        <source>Discard %1 dead letters?</source>
        <translation>%1 unzustellbare Aufträge verwerfen?</translation>
    </message>
    <message>
        <source>The jobs are deleted and will not be tried again; their messages stay unsent. This cannot be undone.</source>
        <translation>Die Aufträge werden gelöscht und nicht mehr versucht; ihre Nachrichten bleiben ungesendet. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>Discarding %v of %m</source>
        <translation>Verwerfe %v von %m</translation>
    </message>
    <message>
        <source>1 dead letter discarded.</source>
        <translation>1 unzustellbarer Auftrag verworfen.</translation>
    </message>
    <message>
        <source>%1 dead letters discarded.</source>
        <translation>%1 unzustellbare Aufträge verworfen.</translation>
    </message>
    <message>
        <source>%1 of %2 dead letters discarded; %3 could not be discarded.</source>
        <translation>%1 von %2 unzustellbaren Aufträgen verworfen; %3 ließen sich nicht verwerfen.</translation>
    </message>
    <message>
        <source>Discarding a dead letter</source>
        <translation>Das Verwerfen eines unzustellbaren Auftrags</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::SecretStore</name>
    <message>
        <source>No system keychain is available (%1). Relaydesk does not keep secrets in plain files: set them as environment variables (for example ANTHROPIC_API_KEY) or in the configuration file, which you can protect yourself.</source>
        <translation>Kein Schlüsselbund des Systems verfügbar (%1). Relaydesk speichert Geheimnisse nicht in einfachen Dateien: Setzen Sie sie als Umgebungsvariablen (zum Beispiel ANTHROPIC_API_KEY) oder in der Konfigurationsdatei, die Sie selbst schützen können.</translation>
    </message>
    <message>
        <source>unknown reason</source>
        <translation>Grund unbekannt</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::SettingsDialog</name>
    <message>
        <source>Anthropic API key</source>
        <translation>Anthropic-API-Schlüssel</translation>
    </message>
    <message>
        <source>OpenAI API key</source>
        <translation>OpenAI-API-Schlüssel</translation>
    </message>
    <message>
        <source>Telegram bot token</source>
        <translation>Telegram-Bot-Token</translation>
    </message>
    <message>
        <source>Discord bot token</source>
        <translation>Discord-Bot-Token</translation>
    </message>
    <message>
        <source>Twilio auth token</source>
        <translation>Twilio-Auth-Token</translation>
    </message>
    <message>
        <source>SendGrid API key</source>
        <translation>SendGrid-API-Schlüssel</translation>
    </message>
    <message>
        <source>X bearer token</source>
        <translation>X-Bearer-Token</translation>
    </message>
    <message>
        <source>Webhook signing secret</source>
        <translation>Webhook-Signaturgeheimnis</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>Canned responses</source>
        <translation>Textbausteine</translation>
    </message>
    <message>
        <source>Keys and tokens</source>
        <translation>Schlüssel und Tokens</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Ihr Name</translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation>Ihr &amp;Name:</translation>
    </message>
    <message>
        <source>Shown as the author of your replies and approvals, and used for &quot;Assigned to me&quot;.</source>
        <translation>Erscheint als Verfasser Ihrer Antworten und Freigaben und gilt für „Meine“.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>Colours</source>
        <translation>Farben</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>&amp;Colours:</source>
        <translation>&amp;Farben:</translation>
    </message>
    <message>
        <source>Language and colours change the next time Relaydesk starts.</source>
        <translation>Sprache und Farben ändern sich beim nächsten Start von Relaydesk.</translation>
    </message>
    <message>
        <source>Notify me about &amp;urgent customer messages</source>
        <translation>Bei &amp;dringenden Kundennachrichten benachrichtigen</translation>
    </message>
    <message>
        <source>Type a slash and the name in the reply box (for example /refund) to insert the text.</source>
        <translation>Tippen Sie im Antwortfeld einen Schrägstrich und den Namen (zum Beispiel /erstattung), um den Text einzufügen.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>Text</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>new-response</source>
        <translation>neuer-baustein</translation>
    </message>
    <message>
        <source>Keys and tokens go to the system keychain, never to a settings file. Leave a field empty to keep what is stored. The engine also reads them from the environment variables shown.</source>
        <translation>Schlüssel und Tokens kommen in den Schlüsselbund des Systems, nie in eine Einstellungsdatei. Lassen Sie ein Feld leer, um den gespeicherten Wert zu behalten. Die Engine liest sie auch aus den angezeigten Umgebungsvariablen.</translation>
    </message>
    <message>
        <source>&amp;Save to keychain</source>
        <translation>Im Schlüsselbund &amp;speichern</translation>
    </message>
    <message>
        <source>Nothing to save: all fields are empty.</source>
        <translation>Nichts zu speichern: Alle Felder sind leer.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert …</translation>
    </message>
    <message>
        <source>Stored in the system keychain.</source>
        <translation>Im Schlüsselbund des Systems gespeichert.</translation>
    </message>
    <message>
        <source>The providers as the running engine uses them. Chain: %1. Keys are set on the &quot;Keys and tokens&quot; page or in the environment; the rest comes from the [ai] section of the configuration file.</source>
        <translation>Die Anbieter so, wie die laufende Engine sie verwendet. Kette: %1. Schlüssel werden auf der Seite „Schlüssel und Tokens“ oder in der Umgebung gesetzt; alles andere kommt aus dem Abschnitt [ai] der Konfigurationsdatei.</translation>
    </message>
    <message>
        <source>no key needed</source>
        <translation>kein Schlüssel nötig</translation>
    </message>
    <message>
        <source>no key set</source>
        <translation>kein Schlüssel gesetzt</translation>
    </message>
    <message>
        <source>key set</source>
        <translation>Schlüssel gesetzt</translation>
    </message>
    <message>
        <source>%1 at %2, %3, %4</source>
        <translation>%1 unter %2, %3, %4</translation>
    </message>
    <message>
        <source>position %1 in the chain</source>
        <translation>Position %1 in der Kette</translation>
    </message>
    <message>
        <source>not in the chain</source>
        <translation>nicht in der Kette</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <source>Test %1</source>
        <translation>%1 testen</translation>
    </message>
    <message>
        <source>Ask %1 for a one-word answer with these settings</source>
        <translation>%1 mit diesen Einstellungen um eine Ein-Wort-Antwort bitten</translation>
    </message>
    <message>
        <source>Asking %1…</source>
        <translation>Frage %1 …</translation>
    </message>
    <message>
        <source>AI providers</source>
        <translation>KI-Anbieter</translation>
    </message>
</context>
<context>
    <name>relaydesk::ui::ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Everything in Relaydesk works without a mouse. Single keys act when you are not typing in a text field.</source>
        <translation>In Relaydesk geht alles ohne Maus. Einzelne Tasten wirken, solange Sie nicht in einem Textfeld schreiben.</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
</context>
</TS>
