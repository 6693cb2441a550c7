{{/*
A component's Deployment and Service. Call with
  (dict "ctx" $ "component" "chat" "spec" .Values.chat "port" 8000 "env" <yaml list> "podLabels" <yaml map>)
and, optionally, "mounts" and "volumes" (yaml lists), "serviceType" and "nodePort".
*/}}
{{- define "todo.component" -}}
{{- $ctx := .ctx -}}
{{- $name := printf "%s-%s" (include "todo.fullname" $ctx) .component -}}
{{- $autoscaling := and .spec.autoscaling .spec.autoscaling.enabled -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "todo.labels" (dict "ctx" $ctx "component" .component) | nindent 4 }}
spec:
  {{- if not $autoscaling }}
  replicas: {{ .spec.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 3
  selector:
    matchLabels:
      {{- include "todo.selectorLabels" (dict "ctx" $ctx "component" .component) | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "todo.labels" (dict "ctx" $ctx "component" .component) | nindent 8 }}
        {{- with .podLabels }}
        {{- . | nindent 8 }}
        {{- end }}
      annotations:
        {{- include "todo.checksums" $ctx | nindent 8 }}
        {{- with include "todo.podAnnotations" . }}
        {{- . | nindent 8 }}
        {{- end }}
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "todo.podSecurityContext" dict | nindent 8 }}
      terminationGracePeriodSeconds: 30
      {{- with include "todo.podScheduling" . }}
      {{- . | nindent 6 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "todo.image" (dict "ctx" $ctx "repository" .spec.repository) }}
          imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
          env:
            {{- .env | nindent 12 }}
            {{- with concat ($ctx.Values.extraEnv | default list) (.spec.extraEnv | default list) }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- include "todo.probes" . | nindent 10 }}
          resources:
            {{- toYaml .spec.resources | nindent 12 }}
          securityContext:
            {{- include "todo.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - { name: tmp, mountPath: /tmp }
            {{- with .mounts }}
            {{- . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir: { sizeLimit: 64Mi }
        {{- with .volumes }}
        {{- . | nindent 8 }}
        {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "todo.labels" (dict "ctx" $ctx "component" .component) | nindent 4 }}
spec:
  type: {{ default "ClusterIP" .serviceType }}
  selector:
    {{- include "todo.selectorLabels" (dict "ctx" $ctx "component" .component) | nindent 4 }}
  ports:
    - name: http
      port: {{ .port }}
      targetPort: http
      protocol: TCP
      {{- with .nodePort }}
      nodePort: {{ . }}
      {{- end }}
{{- end -}}
