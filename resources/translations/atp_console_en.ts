<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>CollisionBanner</name>
    <message numerus="yes">
        <source>%n new message(s) arrived since you last looked. Send your reply anyway?</source>
        <translation>
            <numerusform>%n new message arrived since you last looked. Send your reply anyway?</numerusform>
            <numerusform>%n new messages arrived since you last looked. Send your reply anyway?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DiagnosticsView</name>
    <message numerus="yes">
        <source>As of %1: %n record(s) quarantined, all listed.</source>
        <translation>
            <numerusform>As of %1: %n record quarantined.</numerusform>
            <numerusform>As of %1: %n records quarantined, all listed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MacroStatus</name>
    <message numerus="yes">
        <source>Macro “%1” done: %n step(s) applied.</source>
        <translation>
            <numerusform>Macro “%1” done: %n step applied.</numerusform>
            <numerusform>Macro “%1” done: all %n steps applied.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Macro “%1”: %n step(s) queued.</source>
        <translation>
            <numerusform>Macro “%1”: %n step queued.</numerusform>
            <numerusform>Macro “%1”: all %n steps queued.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message numerus="yes">
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n ticket</numerusform>
            <numerusform>%n tickets</numerusform>
        </translation>
    </message>
</context>
</TS>
