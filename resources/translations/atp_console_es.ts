<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>Colleagues</name>
    <message>
        <source>%1 is writing a reply</source>
        <translation>%1 está escribiendo una respuesta</translation>
    </message>
    <message>
        <source>%1 is viewing</source>
        <translation>%1 está viendo este ticket</translation>
    </message>
    <message>
        <source>%1 (writing)</source>
        <translation>%1 (escribiendo)</translation>
    </message>
</context>
<context>
    <name>CollisionBanner</name>
    <message>
        <source>New messages since you last looked</source>
        <translation>Mensajes nuevos desde tu última revisión</translation>
    </message>
    <message>
        <source>Send any&amp;way</source>
        <translation>Enviar de t&amp;odos modos</translation>
    </message>
    <message>
        <source>Send the reply anyway</source>
        <translation>Enviar la respuesta de todos modos</translation>
    </message>
    <message>
        <source>Cancel and read</source>
        <translation>Cancelar y leer</translation>
    </message>
    <message>
        <source>Cancel sending and read the new messages</source>
        <translation>Cancelar el envío y leer los mensajes nuevos</translation>
    </message>
    <message numerus="yes">
        <source>%n new message(s) arrived since you last looked. Send your reply anyway?</source>
        <translation>
            <numerusform>Llegó %n mensaje nuevo desde tu última revisión. ¿Enviar tu respuesta de todos modos?</numerusform>
            <numerusform>Llegaron %n mensajes nuevos desde tu última revisión. ¿Enviar tu respuesta de todos modos?</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Reply text</source>
        <translation>Texto de la respuesta</translation>
    </message>
    <message>
        <source>Write a reply… (Ctrl+Enter sends)</source>
        <translation>Escribe una respuesta… (Ctrl+Enter para enviar)</translation>
    </message>
    <message>
        <source>&amp;Internal note</source>
        <translation>&amp;Nota interna</translation>
    </message>
    <message>
        <source>Internal note: only agents see it</source>
        <translation>Nota interna: solo la ven los agentes</translation>
    </message>
    <message>
        <source>Insert a canned reply</source>
        <translation>Insertar una respuesta predefinida</translation>
    </message>
    <message>
        <source>Ca&amp;nned reply:</source>
        <translation>&amp;Respuesta predefinida:</translation>
    </message>
    <message>
        <source>Or type :: in the text (Ctrl+Space)</source>
        <translation>O escribe :: en el texto (Ctrl+Espacio)</translation>
    </message>
    <message>
        <source>This text cannot change while it waits: what you type is ignored.</source>
        <translation>Este texto no puede cambiar mientras espera: lo que escribas se ignora.</translation>
    </message>
    <message>
        <source>Sen&amp;d</source>
        <translation>En&amp;viar</translation>
    </message>
    <message>
        <source>Send (Ctrl+Enter)</source>
        <translation>Enviar (Ctrl+Enter)</translation>
    </message>
    <message>
        <source>&amp;Edit again</source>
        <translation>E&amp;ditar de nuevo</translation>
    </message>
    <message>
        <source>Edit the draft again</source>
        <translation>Volver a editar el borrador</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Elegir…</translation>
    </message>
    <message>
        <source>Write an internal note… (Ctrl+Enter adds it)</source>
        <translation>Escribe una nota interna… (Ctrl+Enter para agregarla)</translation>
    </message>
    <message>
        <source>A&amp;dd note</source>
        <translation>A&amp;gregar nota</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message>
        <source>Connection &amp;settings…</source>
        <translation>&amp;Configuración de la conexión…</translation>
    </message>
    <message>
        <source>Open the connection settings</source>
        <translation>Abrir la configuración de la conexión</translation>
    </message>
    <message>
        <source>the configured servers</source>
        <translation>los servidores configurados</translation>
    </message>
    <message>
        <source>Kafka at %1 refused the credentials — check the user and password in the connection settings</source>
        <translation>Kafka en %1 rechazó las credenciales: revisa el usuario y la contraseña en la configuración de la conexión</translation>
    </message>
    <message>
        <source>Actions are queued and sent once Kafka accepts the connection.</source>
        <translation>Las acciones quedan en cola y se envían cuando Kafka acepte la conexión.</translation>
    </message>
    <message>
        <source>Cannot reach Kafka at %1 — retrying; check the connection settings</source>
        <translation>No se puede conectar con Kafka en %1: reintentando; revisa la configuración de la conexión</translation>
    </message>
    <message>
        <source>New tickets and changes do not arrive; your actions are queued and sent when Kafka is back.</source>
        <translation>No llegan tickets ni cambios nuevos; tus acciones quedan en cola y se envían cuando Kafka vuelva.</translation>
    </message>
    <message>
        <source>Lost the connection to the bridge — reconnecting</source>
        <translation>Se perdió la conexión con el puente: reconectando</translation>
    </message>
    <message>
        <source>What you see is not updating and actions cannot be sent.</source>
        <translation>Lo que ves no se actualiza y no se pueden enviar acciones.</translation>
    </message>
</context>
<context>
    <name>ConsoleMenu</name>
    <message>
        <source>&amp;Console</source>
        <translation>&amp;Consola</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Configuración…</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Atajos de teclado</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
</context>
<context>
    <name>ConsoleStatusBar</name>
    <message>
        <source>Loading from the bridge: %1 of %2</source>
        <translation>Cargando desde el puente: %1 de %2</translation>
    </message>
    <message>
        <source>Catching up: %1 of %2 records</source>
        <translation>Poniéndose al día: %1 de %2 registros</translation>
    </message>
    <message>
        <source>about %1 min left</source>
        <translation>faltan unos %1 min</translation>
    </message>
    <message>
        <source>about %1 s left</source>
        <translation>faltan unos %1 s</translation>
    </message>
    <message>
        <source>Console and bridge versions differ: the console speaks protocol %1, the bridge %2. Reinstall the console so both are the same version.</source>
        <translation>La consola y el puente son de versiones distintas: la consola habla el protocolo %1 y el puente el %2. Reinstale la consola para que ambos sean de la misma versión.</translation>
    </message>
    <message>
        <source>Bridge: connected</source>
        <translation>Puente: conectado</translation>
    </message>
    <message>
        <source>Bridge: connecting…</source>
        <translation>Puente: conectando…</translation>
    </message>
    <message>
        <source>Bridge: reconnecting… (%1)</source>
        <translation>Puente: reconectando… (%1)</translation>
    </message>
    <message>
        <source>Kafka: unknown</source>
        <translation>Kafka: desconocido</translation>
    </message>
    <message>
        <source>Kafka: up</source>
        <translation>Kafka: activo</translation>
    </message>
    <message>
        <source>Kafka: credentials refused</source>
        <translation>Kafka: credenciales rechazadas</translation>
    </message>
    <message>
        <source>%1. Store the right password with “atp-bridge credentials set” (or ask IT), then restart the console.</source>
        <translation>%1. Guarde la contraseña correcta con «atp-bridge credentials set» (o pida ayuda a TI) y reinicie la consola.</translation>
    </message>
    <message>
        <source>Kafka refused the credentials</source>
        <translation>Kafka rechazó las credenciales</translation>
    </message>
    <message>
        <source>Kafka: down</source>
        <translation>Kafka: caído</translation>
    </message>
    <message>
        <source>Kafka: down since %1</source>
        <translation>Kafka: caído desde %1</translation>
    </message>
    <message>
        <source>Not updated since the bridge started: Kafka unreachable</source>
        <translation>Sin actualizar desde que arrancó el puente: Kafka no disponible</translation>
    </message>
    <message>
        <source>No data yet</source>
        <translation>Aún no hay datos</translation>
    </message>
    <message>
        <source>Data as of %1 · lag %2</source>
        <translation>Datos al %1 · retraso %2</translation>
    </message>
    <message>
        <source>Data as of %1</source>
        <translation>Datos al %1</translation>
    </message>
    <message>
        <source>%1 (not updating)</source>
        <translation>%1 (sin actualizar)</translation>
    </message>
    <message>
        <source>Outbox: unknown</source>
        <translation>Bandeja de salida: desconocida</translation>
    </message>
    <message>
        <source>Outbox: %1 pending</source>
        <translation>Bandeja de salida: %1 por enviar</translation>
    </message>
    <message>
        <source>%1 (last known)</source>
        <translation>%1 (último valor conocido)</translation>
    </message>
    <message>
        <source>Disk full: actions cannot be queued</source>
        <translation>Disco lleno: no se pueden encolar acciones</translation>
    </message>
    <message>
        <source>Sending to Kafka fails; retrying</source>
        <translation>El envío a Kafka falla; reintentando</translation>
    </message>
    <message>
        <source>Reading from Kafka fails; retrying</source>
        <translation>La lectura de Kafka falla; reintentando</translation>
    </message>
    <message>
        <source>Bridge problem: %1</source>
        <translation>Problema del puente: %1</translation>
    </message>
</context>
<context>
    <name>ConsoleWindowSet</name>
    <message>
        <source>No other ticket in this view is unassigned or yours.</source>
        <translation>Ningún otro ticket de esta vista está sin asignar o es tuyo.</translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <source>Show the whole message</source>
        <translation>Ver el mensaje completo</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>Conversación</translation>
    </message>
    <message>
        <source>No ticket open. Choose one in the queue and press Enter to open it.</source>
        <translation>No hay ningún ticket abierto. Elige uno en la cola y pulsa Enter para abrirlo.</translation>
    </message>
    <message>
        <source>Opened the ticket</source>
        <translation>Abrió el ticket</translation>
    </message>
    <message>
        <source>Internal note</source>
        <translation>Nota interna</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Sistema</translation>
    </message>
    <message>
        <source>agent</source>
        <translation>agente</translation>
    </message>
    <message>
        <source>customer</source>
        <translation>cliente</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <source>Copied</source>
        <translation>Copiado</translation>
    </message>
    <message>
        <source>%1 more errors happened; their reports are in %2.</source>
        <translation>Ocurrieron %1 errores más; sus informes están en %2.</translation>
    </message>
    <message>
        <source>The console stopped unexpectedly</source>
        <translation>La consola se cerró inesperadamente</translation>
    </message>
    <message>
        <source>The console stopped unexpectedly the last time it ran. Please copy this report and send it to IT; it contains no passwords.</source>
        <translation>La consola se cerró inesperadamente la última vez que se usó. Copia este informe y envíalo a TI; no contiene contraseñas.</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>Error inesperado</translation>
    </message>
    <message>
        <source>The console hit an unexpected error. Your drafts were saved. Please copy this report and send it to IT; it contains no passwords. Restarting the console is recommended.</source>
        <translation>La consola tuvo un error inesperado. Tus borradores se guardaron. Copia este informe y envíalo a TI; no contiene contraseñas. Se recomienda reiniciar la consola.</translation>
    </message>
    <message>
        <source>Saved as %1</source>
        <translation>Guardado como %1</translation>
    </message>
    <message>
        <source>Crash report</source>
        <translation>Informe de error</translation>
    </message>
    <message>
        <source>&amp;Copy report</source>
        <translation>&amp;Copiar informe</translation>
    </message>
    <message>
        <source>Copy the crash report to the clipboard</source>
        <translation>Copiar el informe de error al portapapeles</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Close the crash report</source>
        <translation>Cerrar el informe de error</translation>
    </message>
</context>
<context>
    <name>CustomerPanel</name>
    <message>
        <source>No ticket open.</source>
        <translation>Ningún ticket abierto.</translation>
    </message>
    <message>
        <source>not dispatched yet</source>
        <translation>aún no despachado</translation>
    </message>
    <message>
        <source>The customer has no orders yet.</source>
        <translation>El cliente aún no tiene pedidos.</translation>
    </message>
    <message>
        <source>From the ticket&apos;s order %1.</source>
        <translation>Del pedido del ticket, %1.</translation>
    </message>
    <message>
        <source>This ticket has no order: from the customer&apos;s latest order %1.</source>
        <translation>Este ticket no tiene pedido: del último pedido del cliente, %1.</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>Teléfono:</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Dirección:</translation>
    </message>
    <message>
        <source>District:</source>
        <translation>Distrito:</translation>
    </message>
    <message>
        <source>Items:</source>
        <translation>Productos:</translation>
    </message>
    <message>
        <source>Courier:</source>
        <translation>Repartidor:</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 % (%2/%3)</source>
        <translation>%1 % (%2/%3)</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agente</translation>
    </message>
    <message>
        <source>Supervisor</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Abiertos</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <source>Breached</source>
        <translation>Vencidos</translation>
    </message>
    <message>
        <source>Oldest waiting</source>
        <translation>Mayor espera</translation>
    </message>
    <message>
        <source>SLA met today</source>
        <translation>SLA cumplido hoy</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rol</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>Presencia</translation>
    </message>
    <message>
        <source>Open tickets</source>
        <translation>Tickets abiertos</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Colas</translation>
    </message>
    <message>
        <source>First response today (median)</source>
        <translation>Primera respuesta hoy (mediana)</translation>
    </message>
    <message>
        <source>Resolved today</source>
        <translation>Resueltos hoy</translation>
    </message>
</context>
<context>
    <name>Diagnostics</name>
    <message>
        <source>About A tu Puerta</source>
        <translation>Acerca de A tu Puerta</translation>
    </message>
    <message>
        <source>A tu Puerta support console {version}</source>
        <translation>Consola de soporte A tu Puerta {version}</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Copiar</translation>
    </message>
    <message>
        <source>Support bundle</source>
        <translation>Paquete de soporte</translation>
    </message>
    <message>
        <source>The support bundle could not be written: {error}</source>
        <translation>No se pudo escribir el paquete de soporte: {error}</translation>
    </message>
    <message>
        <source>Saved {path}.
It holds no password and no customer data.</source>
        <translation>Guardado en {path}.
No contiene contraseñas ni datos de clientes.</translation>
    </message>
    <message>
        <source>Create support bundle</source>
        <translation>Crear paquete de soporte</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Archivos zip (*.zip)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>&amp;About and diagnostics…</source>
        <translation>&amp;Acerca de y diagnóstico…</translation>
    </message>
    <message>
        <source>Create &amp;support bundle…</source>
        <translation>Crear paquete de &amp;soporte…</translation>
    </message>
    <message>
        <source>Log &amp;diagnostics</source>
        <translation>&amp;Diagnóstico del registro</translation>
    </message>
</context>
<context>
    <name>DiagnosticsView</name>
    <message>
        <source>Not connected to the bridge: try again when it is.</source>
        <translation>Sin conexión con el puente: inténtalo de nuevo cuando vuelva.</translation>
    </message>
    <message>
        <source>Asking the bridge…</source>
        <translation>Consultando al puente…</translation>
    </message>
    <message>
        <source>Type a ticket or order id.</source>
        <translation>Escribe el id de un ticket o de un pedido.</translation>
    </message>
    <message>
        <source>Reading %1 from the beginning of the log…</source>
        <translation>Leyendo %1 desde el inicio del registro…</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnóstico</translation>
    </message>
    <message>
        <source>Quarantined records</source>
        <translation>Registros en cuarentena</translation>
    </message>
    <message>
        <source>Lag per partition</source>
        <translation>Retraso por partición</translation>
    </message>
    <message>
        <source>Event trace</source>
        <translation>Traza de eventos</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualizar</translation>
    </message>
    <message>
        <source>R&amp;efresh</source>
        <translation>Act&amp;ualizar</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <source>Order</source>
        <translation>Pedido</translation>
    </message>
    <message>
        <source>Trace a ticket or an order</source>
        <translation>Trazar un ticket o un pedido</translation>
    </message>
    <message>
        <source>Ticket or order id</source>
        <translation>Id de ticket o de pedido</translation>
    </message>
    <message>
        <source>&amp;Trace</source>
        <translation>&amp;Trazar</translation>
    </message>
    <message>
        <source>Every record of this ticket or order in the log, in log order, with what the fold made of it. The bridge reads the whole topic from its beginning.</source>
        <translation>Cada registro de este ticket o pedido en el registro de eventos, en su orden, con lo que el plegado hizo de él. El puente lee todo el tópico desde su inicio.</translation>
    </message>
    <message>
        <source>As of %1: no record is quarantined.</source>
        <translation>Al %1: ningún registro en cuarentena.</translation>
    </message>
    <message numerus="yes">
        <source>As of %1: %n record(s) quarantined, all listed.</source>
        <translation>
            <numerusform>Al %1: %n registro en cuarentena.</numerusform>
            <numerusform>Al %1: %n registros en cuarentena, todos listados.</numerusform>
        </translation>
    </message>
    <message>
        <source>As of %1: %2 records quarantined in all; the latest %3 are listed.</source>
        <translation>Al %1: %2 registros en cuarentena en total; se listan los %3 más recientes.</translation>
    </message>
    <message>
        <source>As of %1: %2 records in the log not folded yet (log ends as of %3).</source>
        <translation>Al %1: %2 registros del registro de eventos aún sin plegar (finales del registro al %3).</translation>
    </message>
    <message>
        <source>%1: no complete trace (%2). Records found so far: %3.</source>
        <translation>%1: sin traza completa (%2). Registros encontrados hasta ahora: %3.</translation>
    </message>
    <message>
        <source>%1: %2 records of it among %3 read from the beginning of the log.</source>
        <translation>%1: %2 registros suyos entre %3 leídos desde el inicio del registro de eventos.</translation>
    </message>
    <message>
        <source>Only the first ones are listed.</source>
        <translation>Solo se listan los primeros.</translation>
    </message>
    <message>
        <source>The log holds no record with this id.</source>
        <translation>El registro de eventos no tiene ningún registro con este id.</translation>
    </message>
    <message>
        <source>The bridge did not answer in time; try again.</source>
        <translation>El puente no respondió a tiempo; inténtalo de nuevo.</translation>
    </message>
</context>
<context>
    <name>Keymap</name>
    <message>
        <source>Select the next ticket in the queue</source>
        <translation>Seleccionar el ticket siguiente de la cola</translation>
    </message>
    <message>
        <source>Select the previous ticket in the queue</source>
        <translation>Seleccionar el ticket anterior de la cola</translation>
    </message>
    <message>
        <source>Open the selected ticket</source>
        <translation>Abrir el ticket seleccionado</translation>
    </message>
    <message>
        <source>Search the tickets of the current view</source>
        <translation>Buscar en los tickets de la vista actual</translation>
    </message>
    <message>
        <source>Back to the queue (leaves the text field; drafts are kept)</source>
        <translation>Volver a la cola (sale del campo de texto; los borradores se guardan)</translation>
    </message>
    <message>
        <source>Claim the open ticket</source>
        <translation>Tomar el ticket abierto</translation>
    </message>
    <message>
        <source>Release the open ticket</source>
        <translation>Liberar el ticket abierto</translation>
    </message>
    <message>
        <source>Write a reply to the customer</source>
        <translation>Escribir una respuesta al cliente</translation>
    </message>
    <message>
        <source>Write an internal note</source>
        <translation>Escribir una nota interna</translation>
    </message>
    <message>
        <source>Change the status (opens the menu)</source>
        <translation>Cambiar el estado (abre el menú)</translation>
    </message>
    <message>
        <source>Change the priority (opens the menu)</source>
        <translation>Cambiar la prioridad (abre el menú)</translation>
    </message>
    <message>
        <source>Move to another queue (opens the menu)</source>
        <translation>Mover a otra cola (abre el menú)</translation>
    </message>
    <message>
        <source>Assign to an agent (supervisors; opens the menu)</source>
        <translation>Asignar a un agente (supervisores; abre el menú)</translation>
    </message>
    <message>
        <source>Send the reply or add the note (in the reply text)</source>
        <translation>Enviar la respuesta o agregar la nota (en el texto de la respuesta)</translation>
    </message>
    <message>
        <source>Insert a canned reply, filtered by name (or type ::)</source>
        <translation>Insertar una respuesta predefinida, filtrada por nombre (o escribe ::)</translation>
    </message>
    <message>
        <source>Apply a macro to the open ticket (opens the menu)</source>
        <translation>Aplicar una macro al ticket abierto (abre el menú)</translation>
    </message>
    <message>
        <source>Add a tag to the open ticket (T; Ctrl+T while typing)</source>
        <translation>Añadir una etiqueta al ticket abierto (T; Ctrl+T mientras escribes)</translation>
    </message>
    <message>
        <source>Switch your presence between online and away</source>
        <translation>Cambiar tu presencia entre en línea y ausente</translation>
    </message>
    <message>
        <source>Show the view “My tickets”</source>
        <translation>Mostrar la vista «Mis tickets»</translation>
    </message>
    <message>
        <source>Show the view “Unassigned”</source>
        <translation>Mostrar la vista «Sin asignar»</translation>
    </message>
    <message>
        <source>Show the view “All open”</source>
        <translation>Mostrar la vista «Todos los abiertos»</translation>
    </message>
    <message>
        <source>Show the view “Breached”</source>
        <translation>Mostrar la vista «Vencidos»</translation>
    </message>
    <message>
        <source>Show the ticket tab</source>
        <translation>Mostrar la pestaña Ticket</translation>
    </message>
    <message>
        <source>Show the dashboard tab (supervisors)</source>
        <translation>Mostrar la pestaña Panel (supervisores)</translation>
    </message>
    <message>
        <source>Show this list of keyboard shortcuts</source>
        <translation>Mostrar esta lista de atajos de teclado</translation>
    </message>
</context>
<context>
    <name>LogInspection</name>
    <message>
        <source>applied</source>
        <translation>aplicado</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>rechazado</translation>
    </message>
    <message>
        <source>duplicate (changed nothing)</source>
        <translation>duplicado (no cambió nada)</translation>
    </message>
    <message>
        <source>quarantined</source>
        <translation>en cuarentena</translation>
    </message>
    <message>
        <source>skipped (unknown type)</source>
        <translation>omitido (tipo desconocido)</translation>
    </message>
    <message>
        <source>Written</source>
        <translation>Escrito</translation>
    </message>
    <message>
        <source>Topic</source>
        <translation>Tópico</translation>
    </message>
    <message>
        <source>Partition</source>
        <translation>Partición</translation>
    </message>
    <message>
        <source>Offset</source>
        <translation>Offset</translation>
    </message>
    <message>
        <source>Event id</source>
        <translation>Id del evento</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Folded up to</source>
        <translation>Plegado hasta</translation>
    </message>
    <message>
        <source>Log end</source>
        <translation>Fin del registro</translation>
    </message>
    <message>
        <source>Lag</source>
        <translation>Retraso</translation>
    </message>
    <message>
        <source>Event time</source>
        <translation>Hora del evento</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>Topic / partition / offset</source>
        <translation>Tópico / partición / offset</translation>
    </message>
</context>
<context>
    <name>MacroButton</name>
    <message>
        <source>&amp;Macros</source>
        <translation>&amp;Macros</translation>
    </message>
    <message>
        <source>Macros: several actions in one step (M)</source>
        <translation>Macros: varias acciones en un paso (M)</translation>
    </message>
</context>
<context>
    <name>MacroStatus</name>
    <message numerus="yes">
        <source>Macro “%1” done: %n step(s) applied.</source>
        <translation>
            <numerusform>Macro «%1» lista: %n paso aplicado.</numerusform>
            <numerusform>Macro «%1» lista: los %n pasos aplicados.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Macro “%1”: %n step(s) queued.</source>
        <translation>
            <numerusform>Macro «%1»: %n paso quedó en cola.</numerusform>
            <numerusform>Macro «%1»: los %n pasos quedaron en cola.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Macros</name>
    <message>
        <source>Macro “%1”: step %2 of %3 sent; the next leaves once it is queued.</source>
        <translation>Macro «%1»: paso %2 de %3 enviado; el siguiente sale cuando quede en cola.</translation>
    </message>
    <message>
        <source>refused</source>
        <translation>rechazado</translation>
    </message>
    <message>
        <source>Macro “%1” stopped: step %2 was not accepted (%3); %4 not sent.</source>
        <translation>Macro «%1» detenida: el paso %2 no fue aceptado (%3); %4 sin enviar.</translation>
    </message>
    <message>
        <source>Refused later: %1</source>
        <translation>Rechazado después: %1</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>A tu Puerta — support console</source>
        <translation>A tu Puerta — consola de soporte</translation>
    </message>
    <message>
        <source>Ticket</source>
        <translation>Ticket</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Panel</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnóstico</translation>
    </message>
    <message>
        <source>Work area</source>
        <translation>Área de trabajo</translation>
    </message>
    <message>
        <source>Work area tabs</source>
        <translation>Pestañas del área de trabajo</translation>
    </message>
    <message>
        <source>Open a ticket from the queue (Enter).</source>
        <translation>Abre un ticket desde la cola (Enter).</translation>
    </message>
    <message>
        <source>The dashboard is not available.</source>
        <translation>El panel no está disponible.</translation>
    </message>
    <message>
        <source>Diagnostics are not available.</source>
        <translation>El diagnóstico no está disponible.</translation>
    </message>
    <message>
        <source>Waiting for the bridge…</source>
        <translation>Esperando al puente…</translation>
    </message>
    <message>
        <source>The bridge cannot reach Kafka yet (see the banner above).</source>
        <translation>El puente aún no puede conectar con Kafka (mira el aviso de arriba).</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>New ticket</source>
        <translation>Nuevo ticket</translation>
    </message>
    <message>
        <source>%1 in %2: %3</source>
        <translation>%1 en %2: %3</translation>
    </message>
    <message>
        <source>New tickets</source>
        <translation>Nuevos tickets</translation>
    </message>
    <message>
        <source>%1 new tickets in %2</source>
        <translation>%1 tickets nuevos en %2</translation>
    </message>
    <message>
        <source>Customer replied</source>
        <translation>El cliente respondió</translation>
    </message>
    <message>
        <source>%1 replied on “%2”</source>
        <translation>%1 respondió en “%2”</translation>
    </message>
    <message>
        <source>Customer replies</source>
        <translation>Respuestas de clientes</translation>
    </message>
    <message>
        <source>Customers replied on %1 of your tickets</source>
        <translation>Los clientes respondieron en %1 de tus tickets</translation>
    </message>
    <message>
        <source>SLA about to breach</source>
        <translation>SLA por vencer</translation>
    </message>
    <message>
        <source>“%1” (%2) needs a first reply within 5 minutes</source>
        <translation>“%1” (%2) necesita una primera respuesta en menos de 5 minutos</translation>
    </message>
    <message>
        <source>%1 tickets in %2 need a first reply within 5 minutes</source>
        <translation>%1 tickets en %2 necesitan una primera respuesta en menos de 5 minutos</translation>
    </message>
</context>
<context>
    <name>OrderFeedView</name>
    <message>
        <source>Order feed</source>
        <translation>Actividad de pedidos</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>Todos los eventos</translation>
    </message>
    <message>
        <source>Order event filter</source>
        <translation>Filtro de eventos de pedidos</translation>
    </message>
    <message>
        <source>Search orders</source>
        <translation>Buscar pedidos</translation>
    </message>
    <message>
        <source>No order events yet.</source>
        <translation>Aún no hay eventos de pedidos.</translation>
    </message>
    <message>
        <source>No order events match the filter or the search.</source>
        <translation>Ningún evento de pedido coincide con el filtro o la búsqueda.</translation>
    </message>
    <message>
        <source>Resume (%1 new)</source>
        <translation>Reanudar (nuevos: %1)</translation>
    </message>
    <message>
        <source>Resume the order feed</source>
        <translation>Reanudar la actividad de pedidos</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pausar</translation>
    </message>
    <message>
        <source>Pause the order feed</source>
        <translation>Pausar la actividad de pedidos</translation>
    </message>
</context>
<context>
    <name>OrderPanel</name>
    <message>
        <source>No events of this order yet.</source>
        <translation>Este pedido aún no tiene eventos.</translation>
    </message>
    <message>
        <source>Order timeline</source>
        <translation>Historial del pedido</translation>
    </message>
    <message>
        <source>The customer&apos;s other tickets</source>
        <translation>Otros tickets del cliente</translation>
    </message>
    <message>
        <source>The customer&apos;s other orders</source>
        <translation>Otros pedidos del cliente</translation>
    </message>
    <message>
        <source>Other &amp;tickets of the customer</source>
        <translation>Otros tic&amp;kets del cliente</translation>
    </message>
    <message>
        <source>Other o&amp;rders of the customer</source>
        <translation>Otros ped&amp;idos del cliente</translation>
    </message>
    <message>
        <source>Order ti&amp;meline</source>
        <translation>&amp;Historial del pedido</translation>
    </message>
    <message>
        <source>No order linked to this ticket.</source>
        <translation>Este ticket no tiene un pedido vinculado.</translation>
    </message>
    <message>
        <source>Open a ticket from the queue to see its order here.</source>
        <translation>Abre un ticket de la cola para ver aquí su pedido.</translation>
    </message>
    <message>
        <source>Open a ticket from the queue to see the customer&apos;s other tickets.</source>
        <translation>Abre un ticket de la cola para ver los otros tickets del cliente.</translation>
    </message>
    <message>
        <source>Open a ticket from the queue to see the customer&apos;s other orders.</source>
        <translation>Abre un ticket de la cola para ver los otros pedidos del cliente.</translation>
    </message>
    <message>
        <source>No other tickets of this customer.</source>
        <translation>El cliente no tiene otros tickets.</translation>
    </message>
    <message>
        <source>No other orders of this customer.</source>
        <translation>El cliente no tiene otros pedidos.</translation>
    </message>
    <message>
        <source>Order %1 · %2 · %3 · %4 · ETA %5</source>
        <translation>Pedido %1 · %2 · %3 · %4 · Entrega estimada %5</translation>
    </message>
</context>
<context>
    <name>OrderTimeline</name>
    <message>
        <source>after the promised ETA</source>
        <translation>después de la hora de entrega prometida</translation>
    </message>
    <message>
        <source>Items: %1, %2, %3</source>
        <translation>Productos: %1, %2, %3</translation>
    </message>
    <message>
        <source>Courier %1, ETA %2</source>
        <translation>Repartidor %1, entrega estimada %2</translation>
    </message>
    <message>
        <source>%1 — new ETA %2</source>
        <translation>%1 — nueva entrega estimada %2</translation>
    </message>
    <message>
        <source>Delivered at %1</source>
        <translation>Entregado a las %1</translation>
    </message>
    <message>
        <source>%1 (by %2)</source>
        <translation>%1 (por %2)</translation>
    </message>
</context>
<context>
    <name>OrderWindow</name>
    <message>
        <source>Order timeline</source>
        <translation>Historial del pedido</translation>
    </message>
    <message>
        <source>Order %1</source>
        <translation>Pedido %1</translation>
    </message>
</context>
<context>
    <name>OwnerBanner</name>
    <message>
        <source>Ticket assigned to another agent</source>
        <translation>Ticket asignado a otro agente</translation>
    </message>
    <message>
        <source>&amp;Reply anyway</source>
        <translation>&amp;Responder de todos modos</translation>
    </message>
    <message>
        <source>Reply to the customer anyway</source>
        <translation>Responder al cliente de todos modos</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Do not send the reply</source>
        <translation>No enviar la respuesta</translation>
    </message>
    <message>
        <source>This ticket is assigned to %1. Reply to the customer anyway? Your reply goes out under your name.</source>
        <translation>Este ticket está asignado a %1. ¿Responder al cliente de todos modos? La respuesta sale con tu nombre.</translation>
    </message>
</context>
<context>
    <name>PendingActions</name>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Respuesta</translation>
    </message>
    <message>
        <source>Internal note</source>
        <translation>Nota interna</translation>
    </message>
    <message>
        <source>Claim</source>
        <translation>Tomar</translation>
    </message>
    <message>
        <source>Release</source>
        <translation>Liberar</translation>
    </message>
    <message>
        <source>Assign to %1</source>
        <translation>Asignar a %1</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Estado: %1</translation>
    </message>
    <message>
        <source>Priority: %1</source>
        <translation>Prioridad: %1</translation>
    </message>
    <message>
        <source>Queue: %1</source>
        <translation>Cola: %1</translation>
    </message>
    <message>
        <source>Add tag: %1</source>
        <translation>Añadir etiqueta: %1</translation>
    </message>
    <message>
        <source>Remove tag: %1</source>
        <translation>Quitar etiqueta: %1</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>enviando…</translation>
    </message>
    <message>
        <source>queued (offline): will be sent when the connection returns</source>
        <translation>en espera (sin conexión): se enviará cuando vuelva la conexión</translation>
    </message>
    <message>
        <source>sent, waiting for confirmation</source>
        <translation>enviado, esperando confirmación</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>confirmado</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>rechazado</translation>
    </message>
    <message>
        <source>invalid</source>
        <translation>no válido</translation>
    </message>
</context>
<context>
    <name>PendingActionsView</name>
    <message>
        <source>Sent actions and their state</source>
        <translation>Acciones enviadas y su estado</translation>
    </message>
    <message>
        <source>Actions you send on this ticket show here, with their state.</source>
        <translation>Las acciones que envíes en este ticket aparecen aquí, con su estado.</translation>
    </message>
</context>
<context>
    <name>PresenceButton</name>
    <message>
        <source>&amp;Online</source>
        <translation>&amp;Disponible</translation>
    </message>
    <message>
        <source>&amp;Away</source>
        <translation>&amp;Ausente</translation>
    </message>
    <message>
        <source>● Online</source>
        <translation>● Disponible</translation>
    </message>
    <message>
        <source>● Away (idle)</source>
        <translation>● Ausente (inactivo)</translation>
    </message>
    <message>
        <source>● Away</source>
        <translation>● Ausente</translation>
    </message>
    <message>
        <source>Your presence, as colleagues see it: click to change (%1)</source>
        <translation>Tu presencia, como la ven tus colegas: haz clic para cambiarla (%1)</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>Search this view (/)</source>
        <translation>Buscar en esta vista (/)</translation>
    </message>
    <message>
        <source>Search the tickets of this view</source>
        <translation>Buscar en los tickets de esta vista</translation>
    </message>
    <message>
        <source>Saved view</source>
        <translation>Vista guardada</translation>
    </message>
    <message>
        <source>Ticket queue</source>
        <translation>Cola de tickets</translation>
    </message>
    <message>
        <source>Tickets shown</source>
        <translation>Tickets mostrados</translation>
    </message>
    <message>
        <source>My tickets</source>
        <translation>Mis tickets</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
    <message>
        <source>Breached</source>
        <translation>Vencidos</translation>
    </message>
    <message>
        <source>All open</source>
        <translation>Todos los abiertos</translation>
    </message>
    <message>
        <source>Queue: %1</source>
        <translation>Cola: %1</translation>
    </message>
    <message>
        <source>Tag: %1</source>
        <translation>Etiqueta: %1</translation>
    </message>
    <message numerus="yes">
        <source>%n ticket(s)</source>
        <translation>
            <numerusform>%n ticket</numerusform>
            <numerusform>%n tickets</numerusform>
        </translation>
    </message>
    <message>
        <source>No tickets yet.</source>
        <translation>Aún no hay tickets.</translation>
    </message>
    <message>
        <source>No tickets in “%1” match “%2”. Search covers only the current view: choose All open to search every open ticket.</source>
        <translation>Ningún ticket de «%1» coincide con «%2». La búsqueda cubre solo la vista actual: elige Todos los abiertos para buscar en todos los tickets abiertos.</translation>
    </message>
    <message>
        <source>No tickets in “%1” match “%2”. Clear the search to see every ticket of this view.</source>
        <translation>Ningún ticket de «%1» coincide con «%2». Borra la búsqueda para ver todos los tickets de esta vista.</translation>
    </message>
    <message>
        <source>No tickets in “%1” match “%2”.</source>
        <translation>Ningún ticket de «%1» coincide con «%2».</translation>
    </message>
    <message>
        <source>No tickets in “%1”.</source>
        <translation>No hay tickets en «%1».</translation>
    </message>
</context>
<context>
    <name>ReportDialog</name>
    <message>
        <source>Export report</source>
        <translation>Exportar informe</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>&amp;Desde</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>&amp;Hasta</translation>
    </message>
    <message>
        <source>CSV &amp;file</source>
        <translation>Arc&amp;hivo CSV</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Examinar…</translation>
    </message>
    <message>
        <source>CSV file</source>
        <translation>Archivo CSV</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Archivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>The last day is before the first.</source>
        <translation>El último día es anterior al primero.</translation>
    </message>
    <message>
        <source>Choose the CSV file to write.</source>
        <translation>Elige el archivo CSV que se escribirá.</translation>
    </message>
    <message>
        <source>That folder does not exist.</source>
        <translation>Esa carpeta no existe.</translation>
    </message>
</context>
<context>
    <name>ReportExport</name>
    <message>
        <source>the report command ended with code %1</source>
        <translation>el comando del informe terminó con el código %1</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Connection settings</source>
        <translation>Configuración de conexión</translation>
    </message>
    <message>
        <source>Kafka connection</source>
        <translation>Conexión a Kafka</translation>
    </message>
    <message>
        <source>Agent</source>
        <translation>Agente</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>Interfaz</translation>
    </message>
    <message>
        <source>&amp;Bootstrap servers</source>
        <translation>&amp;Servidores bootstrap</translation>
    </message>
    <message>
        <source>Security &amp;protocol</source>
        <translation>&amp;Protocolo de seguridad</translation>
    </message>
    <message>
        <source>SASL &amp;mechanism</source>
        <translation>&amp;Mecanismo SASL</translation>
    </message>
    <message>
        <source>&amp;User name</source>
        <translation>&amp;Usuario</translation>
    </message>
    <message>
        <source>Agent &amp;id</source>
        <translation>I&amp;D de agente</translation>
    </message>
    <message>
        <source>Agent &amp;name</source>
        <translation>&amp;Nombre del agente</translation>
    </message>
    <message>
        <source>&amp;Queues</source>
        <translation>C&amp;olas</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>Kafka bootstrap servers</source>
        <translation>Servidores bootstrap de Kafka</translation>
    </message>
    <message>
        <source>Kafka security protocol</source>
        <translation>Protocolo de seguridad de Kafka</translation>
    </message>
    <message>
        <source>Kafka SASL mechanism</source>
        <translation>Mecanismo SASL de Kafka</translation>
    </message>
    <message>
        <source>Kafka user name</source>
        <translation>Usuario de Kafka</translation>
    </message>
    <message>
        <source>Agent id</source>
        <translation>ID de agente</translation>
    </message>
    <message>
        <source>Agent display name</source>
        <translation>Nombre visible del agente</translation>
    </message>
    <message>
        <source>Queues, comma-separated</source>
        <translation>Colas, separadas por comas</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>Idioma de la interfaz</translation>
    </message>
    <message>
        <source>host:port, host:port</source>
        <translation>host:puerto, host:puerto</translation>
    </message>
    <message>
        <source>Not set</source>
        <translation>Sin configurar</translation>
    </message>
    <message>
        <source>Español</source>
        <comment>language name in itself</comment>
        <translation>Español</translation>
    </message>
    <message>
        <source>English</source>
        <comment>language name in itself</comment>
        <translation>English</translation>
    </message>
    <message>
        <source>Pass&amp;word</source>
        <translation>&amp;Contraseña</translation>
    </message>
    <message>
        <source>Kafka password</source>
        <translation>Contraseña de Kafka</translation>
    </message>
    <message>
        <source>Leave empty to keep the stored password</source>
        <translation>Déjala vacía para conservar la contraseña guardada</translation>
    </message>
    <message>
        <source>Stored only in the operating system&apos;s keyring, never in a file.</source>
        <translation>Se guarda solo en el llavero del sistema operativo, nunca en un archivo.</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>P&amp;robar conexión</translation>
    </message>
    <message>
        <source>Test the Kafka connection</source>
        <translation>Probar la conexión a Kafka</translation>
    </message>
    <message>
        <source>Connection test running</source>
        <translation>Prueba de conexión en curso</translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation>Resultado de la prueba de conexión</translation>
    </message>
    <message>
        <source>Settings problem</source>
        <translation>Problema en la configuración</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Guardar</translation>
    </message>
    <message>
        <source>Save the settings</source>
        <translation>Guardar la configuración</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Close without saving</source>
        <translation>Cerrar sin guardar</translation>
    </message>
    <message>
        <source>the command line</source>
        <translation>la línea de comandos</translation>
    </message>
    <message>
        <source>the environment variable %1</source>
        <translation>la variable de entorno %1</translation>
    </message>
    <message>
        <source>the file %1</source>
        <translation>el archivo %1</translation>
    </message>
    <message>
        <source>Set by %1 for this session: %2.</source>
        <translation>Fijado por %1 en esta sesión: %2.</translation>
    </message>
    <message>
        <source>Test connection uses those values. A change to these fields is saved to your user file and takes effect when the console starts without them.</source>
        <translation>Probar conexión usa esos valores. Un cambio en estos campos se guarda en tu archivo de usuario y se aplica cuando la consola se inicia sin ellos.</translation>
    </message>
    <message>
        <source>Managed by IT in %1; it cannot be changed here.</source>
        <translation>Administrado por TI en %1; no se puede cambiar aquí.</translation>
    </message>
    <message>
        <source>Currently set by %1, which overrides the user file: a change here takes effect only without it.</source>
        <translation>Actualmente lo define %1, que tiene prioridad sobre el archivo del usuario: un cambio aquí solo tendrá efecto sin él.</translation>
    </message>
    <message>
        <source>cannot be emptied here: the system-wide file %1 sets it; enter a value instead</source>
        <translation>no se puede dejar vacío aquí: lo define el archivo del sistema %1; ingresa un valor</translation>
    </message>
    <message>
        <source>The check could not run: %1</source>
        <translation>No se pudo hacer la prueba: %1</translation>
    </message>
    <message>
        <source>The console cannot start without these: %1. Fill them in, then Save.</source>
        <translation>La consola no puede iniciar sin estos datos: %1. Complétalos y luego Guarda.</translation>
    </message>
    <message>
        <source>The settings could not be written: %1</source>
        <translation>No se pudo escribir la configuración: %1</translation>
    </message>
    <message>
        <source>Quit without a connection?</source>
        <translation>¿Salir sin una conexión?</translation>
    </message>
    <message>
        <source>The console cannot start without a Kafka connection and an agent id. Quit now? Nothing is saved.</source>
        <translation>La consola no puede iniciar sin una conexión a Kafka y un ID de agente. ¿Salir ahora? No se guarda nada.</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;Keep editing</source>
        <translation>Seguir &amp;editando</translation>
    </message>
    <message>
        <source>The settings were saved, but the password was not stored: %1</source>
        <translation>La configuración se guardó, pero la contraseña no: %1</translation>
    </message>
    <message>
        <source>Connection OK</source>
        <translation>Conexión correcta</translation>
    </message>
    <message>
        <source>Authentication failed</source>
        <translation>Falló la autenticación</translation>
    </message>
    <message>
        <source>Broker unreachable</source>
        <translation>No se puede conectar con el broker</translation>
    </message>
    <message>
        <source>Configuration problem</source>
        <translation>Problema de configuración</translation>
    </message>
    <message>
        <source>No password in the keyring, or no usable keyring</source>
        <translation>No hay contraseña en el llavero, o no hay un llavero utilizable</translation>
    </message>
    <message>
        <source>The check could not run</source>
        <translation>No se pudo ejecutar la prueba</translation>
    </message>
    <message>
        <source>The password was not stored</source>
        <translation>No se guardó la contraseña</translation>
    </message>
    <message>
        <source>Details from the bridge (not translated): %1</source>
        <translation>Detalles del puente (sin traducir): %1</translation>
    </message>
    <message>
        <source>The settings are not valid; see the details in the tooltip.</source>
        <translation>La configuración no es válida; mira los detalles en la ayuda emergente.</translation>
    </message>
    <message>
        <source>“%1” is not valid; see the details in the tooltip.</source>
        <translation>«%1» no es válido; mira los detalles en la ayuda emergente.</translation>
    </message>
</context>
<context>
    <name>ShortcutHelpDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Atajos de teclado</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Teclas</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Close the shortcut help</source>
        <translation>Cerrar la ayuda de atajos</translation>
    </message>
</context>
<context>
    <name>SupervisorDashboard</name>
    <message>
        <source>Supervisor dashboard</source>
        <translation>Panel de supervisión</translation>
    </message>
    <message>
        <source>Open: open or pending. Unassigned: open without an agent. Breached: past the first-response deadline without a reply. Oldest waiting: the longest a customer has waited for the team. SLA met today: of the tickets due today (your local day, from midnight) whose deadline has passed or that were answered, the share answered in time.</source>
        <translation>Abiertos: abiertos o pendientes. Sin asignar: abiertos sin agente. Vencidos: pasado el plazo de primera respuesta sin respuesta. Mayor espera: lo más que un cliente lleva esperando al equipo. SLA cumplido hoy: de los tickets que vencen hoy (tu día local, desde medianoche) cuyo plazo ya pasó o que fueron respondidos, la parte respondida a tiempo.</translation>
    </message>
    <message>
        <source>Data as of: —</source>
        <translation>Datos al: —</translation>
    </message>
    <message>
        <source>Data as of</source>
        <translation>Datos al</translation>
    </message>
    <message>
        <source>Queues</source>
        <translation>Colas</translation>
    </message>
    <message>
        <source>Agents</source>
        <translation>Agentes</translation>
    </message>
    <message>
        <source>No tickets in any queue yet.</source>
        <translation>Aún no hay tickets en ninguna cola.</translation>
    </message>
    <message>
        <source>No agent has published a presence yet.</source>
        <translation>Ningún agente ha publicado su presencia todavía.</translation>
    </message>
    <message>
        <source>First response today: the median time from opening to the first public reply, of the tickets this agent first answered today. Resolved today: tickets this agent set to resolved today (your local day, from midnight).</source>
        <translation>Primera respuesta hoy: la mediana del tiempo entre la apertura y la primera respuesta pública, de los tickets que este agente respondió primero hoy. Resueltos hoy: tickets que este agente marcó como resueltos hoy (tu día local, desde medianoche).</translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation>Exportar informe…</translation>
    </message>
    <message>
        <source>Figures of a day or a week per queue and per agent, computed from the event log (not from this view), saved as a CSV file.</source>
        <translation>Cifras de un día o una semana por cola y por agente, calculadas a partir del registro de eventos (no de esta vista), guardadas como archivo CSV.</translation>
    </message>
    <message>
        <source>&amp;Queues</source>
        <translation>&amp;Colas</translation>
    </message>
    <message>
        <source>A&amp;gents</source>
        <translation>A&amp;gentes</translation>
    </message>
    <message>
        <source>The figures could not be computed (%1); see the log.</source>
        <translation>No se pudieron calcular las cifras (%1); vea el registro.</translation>
    </message>
    <message>
        <source>Last hour: %1 created, %2 resolved</source>
        <translation>Última hora: %1 creados, %2 resueltos</translation>
    </message>
    <message>
        <source>Today: %1 opened, %2 resolved, SLA met %3</source>
        <translation>Hoy: %1 abiertos, %2 resueltos, SLA cumplido %3</translation>
    </message>
    <message>
        <source>Making the report of %1 to %2 from the event log…</source>
        <translation>Preparando el informe del %1 al %2 a partir del registro de eventos…</translation>
    </message>
    <message>
        <source>Report saved. %1</source>
        <translation>Informe guardado. %1</translation>
    </message>
    <message>
        <source>The report failed: %1</source>
        <translation>El informe falló: %1</translation>
    </message>
    <message>
        <source>Data as of %1</source>
        <translation>Datos al %1</translation>
    </message>
</context>
<context>
    <name>TagEditor</name>
    <message>
        <source>Tags:</source>
        <translation>Etiquetas:</translation>
    </message>
    <message>
        <source>Add a tag… (T)</source>
        <translation>Añadir una etiqueta… (T)</translation>
    </message>
    <message>
        <source>Add a tag</source>
        <translation>Añadir una etiqueta</translation>
    </message>
    <message>
        <source>Remove tag %1</source>
        <translation>Quitar la etiqueta %1</translation>
    </message>
</context>
<context>
    <name>TemplatePicker</name>
    <message>
        <source>Type to filter canned replies…</source>
        <translation>Escribe para filtrar las respuestas predefinidas…</translation>
    </message>
    <message>
        <source>Filter canned replies: Enter inserts, Esc closes</source>
        <translation>Filtrar respuestas predefinidas: Intro inserta, Esc cierra</translation>
    </message>
    <message>
        <source>Canned replies</source>
        <translation>Respuestas predefinidas</translation>
    </message>
    <message>
        <source>No canned reply matches.</source>
        <translation>Ninguna respuesta predefinida coincide.</translation>
    </message>
</context>
<context>
    <name>ThroughputChart</name>
    <message>
        <source>Tickets created and resolved in the last hour</source>
        <translation>Tickets creados y resueltos en la última hora</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Creados</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Resueltos</translation>
    </message>
    <message>
        <source>Created vs resolved, last hour</source>
        <translation>Creados vs. resueltos, última hora</translation>
    </message>
</context>
<context>
    <name>TicketActions</name>
    <message>
        <source>&amp;Claim</source>
        <translation>&amp;Tomar</translation>
    </message>
    <message>
        <source>Claim this ticket (C)</source>
        <translation>Tomar este ticket (C)</translation>
    </message>
    <message>
        <source>Re&amp;lease</source>
        <translation>&amp;Liberar</translation>
    </message>
    <message>
        <source>Release this ticket</source>
        <translation>Liberar este ticket</translation>
    </message>
    <message>
        <source>S&amp;tatus</source>
        <translation>&amp;Estado</translation>
    </message>
    <message>
        <source>Change the status</source>
        <translation>Cambiar el estado</translation>
    </message>
    <message>
        <source>&amp;Priority</source>
        <translation>&amp;Prioridad</translation>
    </message>
    <message>
        <source>Change the priority</source>
        <translation>Cambiar la prioridad</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;Cola</translation>
    </message>
    <message>
        <source>Move to another queue</source>
        <translation>Mover a otra cola</translation>
    </message>
    <message>
        <source>&amp;Assign</source>
        <translation>&amp;Asignar</translation>
    </message>
    <message>
        <source>Assign to an agent (supervisors)</source>
        <translation>Asignar a un agente (supervisores)</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>&amp;Abierto</translation>
    </message>
    <message>
        <source>&amp;Pending</source>
        <translation>&amp;Pendiente</translation>
    </message>
    <message>
        <source>&amp;Resolved</source>
        <translation>&amp;Resuelto</translation>
    </message>
    <message>
        <source>&amp;Closed</source>
        <translation>&amp;Cerrado</translation>
    </message>
</context>
<context>
    <name>TicketHistory</name>
    <message>
        <source>Someone</source>
        <translation>Alguien</translation>
    </message>
    <message>
        <source>%1 claimed the ticket</source>
        <translation>%1 tomó el ticket</translation>
    </message>
    <message>
        <source>%1 released the ticket</source>
        <translation>%1 liberó el ticket</translation>
    </message>
    <message>
        <source>%1 set the status to %2</source>
        <translation>%1 cambió el estado a %2</translation>
    </message>
    <message>
        <source>%1 set the priority to %2</source>
        <translation>%1 cambió la prioridad a %2</translation>
    </message>
    <message>
        <source>%1 moved the ticket to the queue %2</source>
        <translation>%1 movió el ticket a la cola %2</translation>
    </message>
    <message>
        <source>%1 added the tag %2</source>
        <translation>%1 añadió la etiqueta %2</translation>
    </message>
    <message>
        <source>%1 removed the tag %2</source>
        <translation>%1 quitó la etiqueta %2</translation>
    </message>
    <message>
        <source>%1 assigned the ticket to %2</source>
        <translation>%1 asignó el ticket a %2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>TicketLabels</name>
    <message>
        <source>Open</source>
        <translation>Abierto</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Pendiente</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>Resuelto</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Cerrado</translation>
    </message>
    <message>
        <source>Low</source>
        <translation>Baja</translation>
    </message>
    <message>
        <source>Normal</source>
        <translation>Normal</translation>
    </message>
    <message>
        <source>High</source>
        <translation>Alta</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>Urgente</translation>
    </message>
    <message>
        <source>App</source>
        <translation>App</translation>
    </message>
    <message>
        <source>Web</source>
        <translation>Web</translation>
    </message>
    <message>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>Teléfono</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo</translation>
    </message>
    <message>
        <source>Deliveries</source>
        <translation>Entregas</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Pagos</translation>
    </message>
    <message>
        <source>General</source>
        <translation>General</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>En línea</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>Ausente</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Desconectado</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Tarjeta</translation>
    </message>
    <message>
        <source>Yape</source>
        <translation>Yape</translation>
    </message>
    <message>
        <source>Plin</source>
        <translation>Plin</translation>
    </message>
    <message>
        <source>Cash</source>
        <translation>Efectivo</translation>
    </message>
    <message>
        <source>Placed</source>
        <translation>Registrado</translation>
    </message>
    <message>
        <source>Paid</source>
        <translation>Pagado</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>Despachado</translation>
    </message>
    <message>
        <source>Delayed</source>
        <translation>Retrasado</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Entregado</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelado</translation>
    </message>
    <message>
        <source>Spanish</source>
        <translation>español</translation>
    </message>
    <message>
        <source>English</source>
        <translation>English</translation>
    </message>
</context>
<context>
    <name>TicketQueueModel</name>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>SLA</source>
        <translation>SLA</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Asunto</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Etiquetas</translation>
    </message>
    <message>
        <source>Customer</source>
        <translation>Cliente</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Cola</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation>Asignado a</translation>
    </message>
    <message>
        <source>Also on it</source>
        <translation>También aquí</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Antigüedad</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canal</translation>
    </message>
    <message>
        <source>Unread</source>
        <translation>Sin leer</translation>
    </message>
    <message>
        <source>Default order: what needs you first. Unanswered tickets before answered ones; breached and due soonest on top, then by priority. Click a column to sort by it; a third click returns to the default order.</source>
        <translation>Orden predeterminado: lo que más te necesita primero. Los tickets sin responder antes que los respondidos; los vencidos y los que vencen antes arriba, luego por prioridad. Haz clic en una columna para ordenar por ella; un tercer clic vuelve al orden predeterminado.</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 d %2 h</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>Cumplido</translation>
    </message>
    <message>
        <source>Late %1</source>
        <translation>Tarde %1</translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation>Sin asignar</translation>
    </message>
</context>
<context>
    <name>TicketWorkspace</name>
    <message>
        <source>Ticket workspace</source>
        <translation>Área del ticket</translation>
    </message>
    <message>
        <source>First response met at %1</source>
        <translation>Primera respuesta a tiempo, a las %1</translation>
    </message>
    <message>
        <source>First response late: sent at %1, due %2</source>
        <translation>Primera respuesta tardía: enviada a las %1, vencía a las %2</translation>
    </message>
    <message>
        <source>First response breached: due %1, overdue by %2</source>
        <translation>Primera respuesta vencida: vencía a las %1, hace %2</translation>
    </message>
    <message>
        <source>First response due soon: %1 left (due %2)</source>
        <translation>Primera respuesta por vencer: quedan %1 (vence a las %2)</translation>
    </message>
    <message>
        <source>First response on time: %1 left (due %2)</source>
        <translation>Primera respuesta a tiempo: quedan %1 (vence a las %2)</translation>
    </message>
    <message>
        <source>Not sent: %1</source>
        <translation>No enviado: %1</translation>
    </message>
    <message>
        <source>Replies in the customer&apos;s language: %1</source>
        <translation>Respuestas en el idioma del cliente: %1</translation>
    </message>
    <message>
        <source>No ticket selected</source>
        <translation>Ningún ticket seleccionado</translation>
    </message>
    <message>
        <source>A macro is still running on this ticket.</source>
        <translation>Una macro aún se está aplicando a este ticket.</translation>
    </message>
    <message>
        <source>New messages arrived: read them, then run the macro again.</source>
        <translation>Llegaron mensajes nuevos: léelos y vuelve a aplicar la macro.</translation>
    </message>
    <message>
        <source>%1 holds this ticket: a macro does not reply for them.</source>
        <translation>%1 tiene este ticket: una macro no responde por otra persona.</translation>
    </message>
    <message>
        <source>Open the &amp;next ticket after resolving</source>
        <translation>Abrir el &amp;siguiente ticket al resolver</translation>
    </message>
    <message>
        <source>After Resolved or Pending, open the next ticket of the queue&apos;s view</source>
        <translation>Tras Resuelto o Pendiente, abrir el siguiente ticket de la vista de la cola</translation>
    </message>
    <message>
        <source>unassigned</source>
        <translation>sin asignar</translation>
    </message>
    <message>
        <source>Customer: %1</source>
        <translation>Cliente: %1</translation>
    </message>
    <message>
        <source>Queue: %1</source>
        <translation>Cola: %1</translation>
    </message>
    <message>
        <source>Priority: %1</source>
        <translation>Prioridad: %1</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Estado: %1</translation>
    </message>
    <message>
        <source>Assigned to: %1</source>
        <translation>Asignado a: %1</translation>
    </message>
    <message>
        <source>Sent before the console restarted; waiting for it to appear here. Editing it again may send it twice.</source>
        <translation>Se envió antes de que la consola se reiniciara; esperando que aparezca aquí. Si lo editas de nuevo, podría enviarse dos veces.</translation>
    </message>
    <message>
        <source>Fill in %1 before sending.</source>
        <translation>Completa %1 antes de enviar.</translation>
    </message>
    <message>
        <source>This macro names a canned reply that does not exist: %1.</source>
        <translation>Esta macro usa una respuesta predefinida que no existe: %1.</translation>
    </message>
    <message>
        <source>The macro&apos;s reply would leave %1 unfilled: not run.</source>
        <translation>La respuesta de la macro dejaría %1 sin completar: no se aplicó.</translation>
    </message>
    <message>
        <source>Nothing to change: the ticket already is as the macro would leave it.</source>
        <translation>Nada que cambiar: el ticket ya está como lo dejaría la macro.</translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Evento</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
</context>
</TS>
