{{/* Resource names: the release name (or fullnameOverride), then the component. */}}
{{- define "todo.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "todo.secretName" -}}
{{- default (printf "%s-secrets" (include "todo.fullname" .)) .Values.secrets.existingSecret -}}
{{- end -}}

{{/* The standard labels; call with (dict "ctx" $ "component" "web"). */}}
{{- define "todo.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version }}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: todo-chatbot
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{- define "todo.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* An image reference; call with (dict "ctx" $ "repository" "todo-mcp"). */}}
{{- define "todo.image" -}}
{{- $v := .ctx.Values.image -}}
{{- $tag := default .ctx.Chart.AppVersion $v.tag -}}
{{- if $v.registry -}}{{ printf "%s/%s:%s" (trimSuffix "/" $v.registry) .repository $tag }}{{- else -}}{{ printf "%s:%s" .repository $tag }}{{- end -}}
{{- end -}}

{{/* The "restricted" Pod Security Standard, for a pod and for its containers. */}}
{{- define "todo.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ default 65532 .uid }}
runAsGroup: {{ default 65532 .uid }}
fsGroup: {{ default 65532 .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "todo.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Liveness and startup on /healthz, readiness on /readyz (503 until the schema is migrated);
the timings are .Values.probes with the component's probes over them. Call with (dict "ctx" $ "spec" .Values.web). */}}
{{- define "todo.probes" -}}
{{- $p := mergeOverwrite (deepCopy .ctx.Values.probes) (deepCopy (.spec.probes | default dict)) -}}
livenessProbe:
  httpGet: { path: /healthz, port: http }
  {{- toYaml $p.liveness | nindent 2 }}
readinessProbe:
  httpGet: { path: /readyz, port: http }
  {{- toYaml $p.readiness | nindent 2 }}
startupProbe:
  httpGet: { path: /healthz, port: http }
  {{- toYaml $p.startup | nindent 2 }}
{{- end -}}

{{/* Pod-level scheduling: imagePullSecrets, nodeSelector, tolerations, affinity and
topologySpreadConstraints, the component's own (spec) replacing the top-level ones. A spread
constraint without a labelSelector selects the component's pods. Call with
(dict "ctx" $ "component" "web" "spec" .Values.web); spec may be an empty dict. */}}
{{- define "todo.podScheduling" -}}
{{- $v := .ctx.Values -}}
{{- $spec := .spec | default dict -}}
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with default $v.nodeSelector $spec.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with default $v.tolerations $spec.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with default $v.affinity $spec.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with default $v.topologySpreadConstraints $spec.topologySpreadConstraints }}
{{- $selector := include "todo.selectorLabels" (dict "ctx" $.ctx "component" $.component) | fromYaml }}
{{- $constraints := list }}
{{- range . }}
{{- $c := deepCopy . }}
{{- if not (hasKey $c "labelSelector") }}
{{- $_ := set $c "labelSelector" (dict "matchLabels" $selector) }}
{{- end }}
{{- $constraints = append $constraints $c }}
{{- end }}
topologySpreadConstraints:
  {{- toYaml $constraints | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The pod annotations of .Values.podAnnotations with the component's over them. */}}
{{- define "todo.podAnnotations" -}}
{{- $a := merge (deepCopy ((.spec | default dict).podAnnotations | default dict)) (deepCopy (.ctx.Values.podAnnotations | default dict)) -}}
{{- with $a }}
{{- toYaml . }}
{{- end }}
{{- end -}}

{{/* An env entry from the chart's Secret (or the existing one). */}}
{{- define "todo.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "todo.secretName" .ctx }}
      key: {{ .name }}
{{- end -}}

{{/* An env entry from the chart's ConfigMap. */}}
{{- define "todo.configEnv" -}}
- name: {{ .name }}
  valueFrom:
    configMapKeyRef:
      name: {{ include "todo.fullname" .ctx }}-config
      key: {{ .name }}
{{- end -}}

{{/* DATABASE_URL: from external.existingSecret when given, else from the chart's Secret. */}}
{{- define "todo.databaseUrlEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
{{- if and (not .Values.postgres.enabled) .Values.external.existingSecret }}
      name: {{ .Values.external.existingSecret }}
      key: {{ .Values.external.existingSecretKey }}
{{- else }}
      name: {{ include "todo.secretName" . }}
      key: DATABASE_URL
{{- end }}
{{- end -}}

{{/* The URL people open: web.publicUrl, else the Ingress host, else a local port-forward. */}}
{{- define "todo.webUrl" -}}
{{- if .Values.web.publicUrl -}}
{{- .Values.web.publicUrl -}}
{{- else if .Values.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.ingress.tlsSecretName))) .Values.ingress.host -}}
{{- else -}}
{{- printf "http://localhost:%v" .Values.web.service.port -}}
{{- end -}}
{{- end -}}

{{/* Pods that may open connections to PostgreSQL and to todo-chat (see networkpolicy.yaml). */}}
{{- define "todo.dbClientLabel" -}}
{{ include "todo.fullname" . }}-db-client: "true"
{{- end -}}
{{- define "todo.chatClientLabel" -}}
{{ include "todo.fullname" . }}-chat-client: "true"
{{- end -}}

{{/* The pod-level annotations that roll pods when configuration or secrets change. */}}
{{- define "todo.checksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if .Values.secrets.existingSecret }}
{{- $existing := lookup "v1" "Secret" .Release.Namespace .Values.secrets.existingSecret }}
checksum/secret: {{ toJson ($existing.data | default dict) | sha256sum }}
{{- else }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end -}}

{{/* Checks that run on every render: one database, and the values it needs. */}}
{{- define "todo.validate" -}}
{{- $external := or .Values.external.url .Values.external.existingSecret -}}
{{- if and .Values.postgres.enabled $external -}}
{{- fail "choose one database: postgres.enabled=true (in-cluster) or external.url / external.existingSecret (e.g. Neon), not both" -}}
{{- end -}}
{{- if and (not .Values.postgres.enabled) (not $external) (not .Values.secrets.existingSecret) -}}
{{- fail "postgres.enabled=false needs external.url or external.existingSecret (or DATABASE_URL in secrets.existingSecret)" -}}
{{- end -}}
{{- if and .Values.external.url .Values.secrets.existingSecret -}}
{{- fail "external.url is stored in the Secret the chart generates, and secrets.existingSecret turns that off: put DATABASE_URL into your Secret, or use external.existingSecret" -}}
{{- end -}}
{{- if and .Values.external.url (not (regexMatch "^postgres(ql)?://" .Values.external.url)) -}}
{{- fail "external.url must be a postgres:// or postgresql:// URL" -}}
{{- end -}}
{{- end -}}
